import { after } from 'next/server';
import { config } from '@/lib/config';
import { localExecutor } from './local/local-executor';

/**
 * Starts the local executor on a run once the submitting request has committed and answered
 * (Next's after()). The Argo executor's loop submits queued runs on its next tick. Outside a request
 * (tests, CLI) the caller runs the executor itself.
 */
export function startRunAfterResponse(): void {
  const { kind, takesRuns } = config().executor;
  if (kind !== 'local' || !takesRuns) return;
  try {
    after(() => localExecutor().kick());
  } catch {
    // not inside a request scope: nothing to schedule
  }
}
