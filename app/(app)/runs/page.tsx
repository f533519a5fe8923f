import { z } from 'zod';
import { EmptyState } from '@/components/ui/empty-state';
import { Forbidden } from '@/components/ui/forbidden';
import { loadGuarded } from '@/lib/auth/page';

export default async function RunsPage() {
  const res = await loadGuarded(
    { action: 'runs.view', permission: 'run:read', input: z.object({}), project: () => null },
    {},
    async () => ({}),
  );
  if (!res.ok) return <Forbidden message={res.message} />;
  return (
    <>
      <h1>Runs</h1>
      <EmptyState title="No runs yet">Runs appear here once a study is submitted to a segmentation model. Upload a study first, then start a run from its page.</EmptyState>
    </>
  );
}
