import { route } from '@/lib/auth/route';
import { can } from '@/lib/auth/permissions';
import { getStepLog, ZStepLogRef } from '@/lib/runs/logs/get-step-log';
import { projectOfRun } from '@/lib/runs/get-run';

/** What one attempt of a run's step printed (?attempt=, default the latest); shadow steps for operators and admins only. */
export const GET = route(
  {
    action: 'run.log.read',
    permission: 'run:read',
    input: ZStepLogRef,
    project: (i, db) => projectOfRun(db, i.run),
    target: (i) => ({ type: 'run', id: i.run }),
  },
  async (ctx) => {
    Object.assign(ctx.auditDetails, { step: ctx.input.step, ...(ctx.input.attempt ? { attempt: ctx.input.attempt } : {}) });
    return {
      log: await getStepLog(ctx.tx, {
        runId: ctx.input.run,
        projectId: ctx.project!.id,
        step: ctx.input.step,
        attempt: ctx.input.attempt,
        seeShadow: can(ctx.role, 'promotion:read'),
      }),
    };
  },
);
