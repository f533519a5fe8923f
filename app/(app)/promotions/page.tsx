import { z } from 'zod';
import { EmptyState } from '@/components/ui/empty-state';
import { Forbidden } from '@/components/ui/forbidden';
import { loadGuarded } from '@/lib/auth/page';

export default async function PromotionsPage() {
  const res = await loadGuarded(
    { action: 'promotions.view', permission: 'promotion:read', input: z.object({}), project: () => null },
    {},
    async () => ({}),
  );
  if (!res.ok) return <Forbidden message={res.message} />;
  return (
    <>
      <h1>Promotions</h1>
      <EmptyState title="No promotions pending">When a shadow model has enough compared cases, its promotion gate and the approval step show up here.</EmptyState>
    </>
  );
}
