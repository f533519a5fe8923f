import { route } from '@/lib/auth/route';
import { RETRY_RUN_GUARD, retryRunGuarded } from '@/lib/runs/guarded-run-control';
import { runDto } from '@/lib/runs/run-dto';
import { studyLabelOf } from '@/lib/runs/study-label';

/**
 * Runs a failed or cancelled run again as its next attempt (operators and admins of its project), with a reason for the audit log;
 * `overrideDomain: true` segments an input the model refused as outside its declared domain (the reason is the override's).
 */
export const POST = route(RETRY_RUN_GUARD, async (ctx) => {
  const run = await retryRunGuarded(ctx);
  return { run: runDto(run, await studyLabelOf(ctx.tx, run.studyId), true) };
});
