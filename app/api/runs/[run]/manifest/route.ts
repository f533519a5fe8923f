import { route } from '@/lib/auth/route';
import { projectOfRun } from '@/lib/runs/get-run';
import { readRunManifest } from '@/lib/runs/read-run-manifest';
import { ZRunRef } from '@/lib/runs/schemas';

/**
 * The run's signed manifest envelope, exactly as stored (`segflow manifest verify <run id>` fetches it).
 * promotion:read (operators, admins): a manifest names the shadow model and its outputs, which
 * researchers never see (ADR-03) — the same readers as manifests/ in lib/storage/access-rules.ts.
 */
export const GET = route(
  {
    action: 'run.manifest.read',
    permission: 'promotion:read',
    input: ZRunRef,
    project: (i, db) => projectOfRun(db, i.run),
    target: (i) => ({ type: 'run', id: i.run }),
  },
  async (ctx) => readRunManifest(ctx.tx, { runId: ctx.input.run, projectId: ctx.project!.id }),
);
