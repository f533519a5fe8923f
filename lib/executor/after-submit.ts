import { after } from 'next/server';
import { localExecutor } from './local/local-executor';

/**
 * Starts the executor on a run once the submitting request has committed and answered (Next's
 * after()): the local executor drains its queue; under Argo the submission is made there (pipeline
 * issue: Argo executor). Outside a request (tests, CLI) the caller runs the executor itself.
 */
export function startRunAfterResponse(): void {
  if ((process.env.SEGFLOW_EXECUTOR ?? 'local') !== 'local') return;
  try {
    after(() => localExecutor().kick());
  } catch {
    // not inside a request scope: nothing to schedule
  }
}
