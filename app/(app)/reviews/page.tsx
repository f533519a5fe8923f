import { z } from 'zod';
import { EmptyState } from '@/components/ui/empty-state';
import { Forbidden } from '@/components/ui/forbidden';
import { loadGuarded } from '@/lib/auth/page';

export default async function ReviewsPage() {
  const res = await loadGuarded(
    { action: 'reviews.view', permission: 'review:read', input: z.object({}), project: () => null },
    {},
    async () => ({}),
  );
  if (!res.ok) return <Forbidden message={res.message} />;
  return (
    <>
      <h1>Reviews</h1>
      <EmptyState title="Nothing to review">Cases where a shadow model ran beside the live one appear here for a side-by-side verdict. You only ever see de-identified data.</EmptyState>
    </>
  );
}
