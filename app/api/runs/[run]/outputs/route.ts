import { route } from '@/lib/auth/route';
import { can } from '@/lib/auth/permissions';
import { projectOfRun } from '@/lib/runs/get-run';
import { DOWNLOAD_LINK_SECONDS, listRunOutputs } from '@/lib/runs/outputs/list-run-outputs';
import { ZRunRef } from '@/lib/runs/schemas';

/** A run's results with presigned download links (5 minutes); shadow outputs and the comparison for operators and admins only. Every key handed out is audited. */
export const GET = route(
  {
    action: 'run.outputs.read',
    permission: 'run:read',
    input: ZRunRef,
    project: (i, db) => projectOfRun(db, i.run),
    target: (i) => ({ type: 'run', id: i.run }),
  },
  async (ctx) => {
    const audit: { key: string }[] = [];
    const outputs = await listRunOutputs(ctx.tx, {
      runId: ctx.input.run,
      projectId: ctx.project!.id,
      role: ctx.role,
      seeShadow: can(ctx.role, 'promotion:read'),
      audit,
    });
    ctx.auditDetails.keys = audit.map((a) => a.key);
    return { outputs, linkSeconds: DOWNLOAD_LINK_SECONDS };
  },
);
