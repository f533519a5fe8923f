import { route } from '@/lib/auth/route';
import { can } from '@/lib/auth/permissions';
import { getRun, projectOfRun } from '@/lib/runs/get-run';
import { ZRunRef } from '@/lib/runs/schemas';

/** One run: status, steps (attempts, timings, outputs), manifest; shadow details for operators and admins. */
export const GET = route(
  { action: 'run.read', permission: 'run:read', input: ZRunRef, project: (i, db) => projectOfRun(db, i.run), target: (i) => ({ type: 'run', id: i.run }) },
  async (ctx) => ({ run: await getRun(ctx.tx, { runId: ctx.input.run, projectId: ctx.project!.id, seeShadow: can(ctx.role, 'promotion:read') }) }),
);
