import { z } from 'zod';
import { EmptyState } from '@/components/ui/empty-state';
import { Forbidden } from '@/components/ui/forbidden';
import { loadGuarded } from '@/lib/auth/page';

export default async function ModelsPage() {
  const res = await loadGuarded(
    { action: 'models.view', permission: 'model:read', input: z.object({}), project: () => null },
    {},
    async () => ({}),
  );
  if (!res.ok) return <Forbidden message={res.message} />;
  return (
    <>
      <h1>Models</h1>
      <EmptyState title="No models registered">The shipped brain-tissue model is registered by the demo seed; operators register new versions (ONNX + input spec) here.</EmptyState>
    </>
  );
}
