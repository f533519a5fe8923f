/**
 * Cancel and retry as the guard runs them, each declared once for its REST route and its server
 * action (the run page's buttons): the guard spec and the work, which names what it did in the
 * audit event. Routes and actions differ only in how they answer.
 */
import type { z } from 'zod';
import type { Run } from '@/db/schema';
import type { GuardContext, GuardSpec } from '../auth/guard';
import { can } from '../auth/permissions';
import { cancelRun } from './cancel-run';
import { projectOfRun } from './get-run';
import { retryRun } from './retry-run';
import { type TRunControl, ZRunControl, ZRunRetry } from './schemas';

type TRunRetry = z.infer<typeof ZRunRetry>;

export const CANCEL_RUN_GUARD = {
  action: 'run.cancel',
  permission: 'run:cancel',
  input: ZRunControl,
  project: (i, db) => projectOfRun(db, i.run),
  target: (i) => ({ type: 'run', id: i.run }),
} satisfies GuardSpec<TRunControl, 'run:cancel'>;

/**
 * Cancels a queued or running run (operators and admins of its project), with a reason for the audit
 * log; a researcher may cancel a run they submitted while it is still queued.
 */
export async function cancelRunGuarded(ctx: GuardContext<TRunControl, 'run:cancel'>): Promise<Run> {
  const run = await cancelRun(ctx.tx, {
    runId: ctx.input.run,
    projectId: ctx.project!.id,
    reason: ctx.input.reason,
    ownQueuedOnly: can(ctx.role, 'run:manage') ? undefined : { userId: ctx.actor.userId },
  });
  Object.assign(ctx.auditDetails, { reason: ctx.input.reason, status: run.status });
  return run;
}

export const RETRY_RUN_GUARD = {
  action: 'run.retry',
  permission: 'run:manage',
  input: ZRunRetry,
  project: (i, db) => projectOfRun(db, i.run),
  target: (i) => ({ type: 'run', id: i.run }),
} satisfies GuardSpec<TRunRetry, 'run:manage'>;

/**
 * Runs a failed or cancelled run again as its next attempt, with a reason for the audit log;
 * `overrideDomain` segments an input the model refused as outside its declared domain (the reason is the override's).
 */
export async function retryRunGuarded(ctx: GuardContext<TRunRetry, 'run:manage'>): Promise<Run> {
  const domainOverride = ctx.input.overrideDomain ? { reason: ctx.input.reason, by: ctx.actor.userId } : undefined;
  const run = await retryRun(ctx.tx, { runId: ctx.input.run, projectId: ctx.project!.id, domainOverride });
  Object.assign(ctx.auditDetails, { reason: ctx.input.reason, attempt: run.attempt, ...(domainOverride ? { overrideDomain: true } : {}) });
  return run;
}
