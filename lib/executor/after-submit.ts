import { after } from 'next/server';
import { processExecutor } from './executor';

/**
 * Wakes this process's executor once the submitting request has committed and answered (Next's
 * after()), so a run starts at once instead of at the next poll. An app process without an executor
 * (SEGFLOW_EXECUTOR=none, the default under `segflow start`, whose executor is its own process) has
 * nothing to wake: the executor process finds the run on its next poll. Outside a request (tests,
 * CLI, the demo seed) there is no response to wait for, and nothing is scheduled.
 */
export function kickAfterResponse(): void {
  const executor = processExecutor();
  if (!executor) return;
  try {
    after(() => executor.kick());
  } catch {
    // not inside a request scope: nothing to schedule
  }
}
