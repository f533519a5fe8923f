import { route } from '@/lib/auth/route';
import { CANCEL_RUN_GUARD, cancelRunGuarded } from '@/lib/runs/guarded-run-control';
import { runDto } from '@/lib/runs/run-dto';
import { studyLabelOf } from '@/lib/runs/study-label';

/**
 * Cancels a queued or running run (operators and admins of its project), with a reason for the audit
 * log; a researcher may cancel a run they submitted while it is still queued.
 */
export const POST = route(CANCEL_RUN_GUARD, async (ctx) => {
  const run = await cancelRunGuarded(ctx);
  return { run: runDto(run, await studyLabelOf(ctx.tx, run.studyId), true) };
});
