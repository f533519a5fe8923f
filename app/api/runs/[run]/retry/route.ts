import { route } from '@/lib/auth/route';
import { projectOfRun } from '@/lib/runs/get-run';
import { retryRun } from '@/lib/runs/retry-run';
import { runDto } from '@/lib/runs/run-dto';
import { ZRunRetry } from '@/lib/runs/schemas';
import { studyLabelOf } from '@/lib/runs/study-label';

/**
 * Runs a failed or cancelled run again as its next attempt (operators and admins of its project), with a reason for the audit log;
 * `overrideDomain: true` segments an input the model refused as outside its declared domain (the reason is the override's).
 */
export const POST = route(
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
    return { run: runDto(run, await studyLabelOf(ctx.tx, run.studyId), true) };
  },
);
