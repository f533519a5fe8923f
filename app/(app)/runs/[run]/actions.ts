'use server';
import { action } from '@/lib/auth/action';
import { CANCEL_RUN_GUARD, RETRY_RUN_GUARD, cancelRunGuarded, retryRunGuarded } from '@/lib/runs/guarded-run-control';

/** The run page's Cancel button: the same as POST /api/runs/:run/cancel. */
export const cancelRunAction = action(CANCEL_RUN_GUARD, async (ctx) => ({ status: (await cancelRunGuarded(ctx)).status }));

/**
 * The run page's Retry button: the same as POST /api/runs/:run/retry, with its "segment it anyway"
 * (overrideDomain) for a run the model refused as outside its input domain.
 */
export const retryRunAction = action(RETRY_RUN_GUARD, async (ctx) => {
  const run = await retryRunGuarded(ctx);
  return { status: run.status, attempt: run.attempt };
});
