'use server';
import { action } from '@/lib/auth/action';
import { can } from '@/lib/auth/permissions';
import { cancelRun } from '@/lib/runs/cancel-run';
import { projectOfRun } from '@/lib/runs/get-run';
import { retryRun } from '@/lib/runs/retry-run';
import { ZRunControl, ZRunRetry } from '@/lib/runs/schemas';

/** The run page's Cancel button: the same as POST /api/runs/:run/cancel. */
export const cancelRunAction = action(
  {
    action: 'run.cancel',
    permission: 'run:cancel',
    input: ZRunControl,
    project: (i, db) => projectOfRun(db, i.run),
    target: (i) => ({ type: 'run', id: i.run }),
  },
  async (ctx) => {
    const run = await cancelRun(ctx.tx, {
      runId: ctx.input.run,
      projectId: ctx.project!.id,
      reason: ctx.input.reason,
      ownQueuedOnly: can(ctx.role, 'run:manage') ? undefined : { userId: ctx.actor.userId },
    });
    Object.assign(ctx.auditDetails, { reason: ctx.input.reason, status: run.status });
    return { status: run.status };
  },
);

/**
 * The run page's Retry button: the same as POST /api/runs/:run/retry, with its "segment it anyway"
 * (overrideDomain) for a run the model refused as outside its input domain.
 */
export const retryRunAction = action(
  {
    action: 'run.retry',
    permission: 'run:manage',
    input: ZRunRetry,
    project: (i, db) => projectOfRun(db, i.run),
    target: (i) => ({ type: 'run', id: i.run }),
  },
  async (ctx) => {
    const domainOverride = ctx.input.overrideDomain ? { reason: ctx.input.reason, by: ctx.actor.userId } : undefined;
    const run = await retryRun(ctx.tx, { runId: ctx.input.run, projectId: ctx.project!.id, domainOverride });
    Object.assign(ctx.auditDetails, { reason: ctx.input.reason, attempt: run.attempt, ...(domainOverride ? { overrideDomain: true } : {}) });
    return { status: run.status, attempt: run.attempt };
  },
);
