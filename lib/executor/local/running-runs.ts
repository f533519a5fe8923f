/**
 * The runs this process is executing with the local executor, each with what aborts its running step.
 * cancelRun (lib/runs/cancel-run.ts) interrupts one here at once when the executor runs in the same
 * process; an executor in another process notices the cancellation through executeRun's status poll.
 */
const g = globalThis as { __segflowRunningRuns?: Map<string, AbortController> };
g.__segflowRunningRuns ??= new Map();
const running = g.__segflowRunningRuns;

/** registers a run while it executes; the returned function unregisters it */
export function trackRunningRun(runId: string, controller: AbortController): () => void {
  running.set(runId, controller);
  return () => {
    if (running.get(runId) === controller) running.delete(runId);
  };
}

/** kills the running step of a run cancelled in the database, when this process executes it; true when it did */
export function interruptCancelledRun(runId: string): boolean {
  const c = running.get(runId);
  if (!c) return false;
  c.abort({ kind: 'cancelled' });
  return true;
}
