import { z } from 'zod';
import { RunsTable } from '@/components/runs/runs-table';
import { EmptyState } from '@/components/ui/empty-state';
import { Forbidden } from '@/components/ui/forbidden';
import { loadGuarded, requirePageActor } from '@/lib/auth/page';
import { can } from '@/lib/auth/permissions';
import { pickProject } from '@/lib/projects/pick-project';
import { listRuns } from '@/lib/runs/list-runs';

export default async function RunsPage({ searchParams }: { searchParams: Promise<{ project?: string }> }) {
  const actor = await requirePageActor();
  const project = pickProject(actor, 'run:read', (await searchParams).project);
  const res = await loadGuarded(
    { action: 'run.list', permission: 'run:read', input: z.object({ project: z.string().nullable() }), project: (i) => i.project },
    { project },
    async (ctx) => (ctx.project ? await listRuns(ctx.tx, { projectId: ctx.project.id, seeShadow: can(ctx.role, 'promotion:read') }) : []),
  );
  if (!res.ok) return <Forbidden message={res.message} />;
  return (
    <>
      <h1>Runs</h1>
      {res.data.length === 0 ? (
        <EmptyState title="No runs yet">Runs appear here once a study is submitted to a segmentation model: open a study and choose Segment on a series or volume.</EmptyState>
      ) : (
        <RunsTable runs={res.data} />
      )}
    </>
  );
}
