import type { ExecutorKind } from '../config';

/**
 * What every executor is: the loop that takes this deployment's queued runs and carries them to a
 * finished state. Implementations: LocalExecutor (lib/executor/local/: steps as child processes on
 * this machine) and ArgoExecutor (lib/executor/argo/: workflows on Kubernetes). createExecutor()
 * (create-executor.ts) picks one from the configuration; `segflow executor` runs it as its own
 * process, an app process may run it inside (instrumentation.ts).
 *
 * Runs are taken with claimNextRun() (claim-run.ts): one query for both, FOR UPDATE SKIP LOCKED, a
 * lease that the executor's heartbeat renews, so several executor processes never take the same run
 * and a run whose executor died is taken back once its lease lapsed.
 *
 * Adding an executor: implement this interface, add its kind to ExecutorKind (lib/config) and a
 * case to createExecutor(); the compiler finds the rest. Room left for run control: `cancel(runId)`
 * fits beside kick() (the local executor keeps an AbortController per run it executes; Argo stops
 * the workflow), and per-attempt logs go through the StepContext a worker step is run with
 * (lib/executor/local/execute-run.ts), without changing these three.
 */
export interface Executor {
  readonly kind: ExecutorKind;
  /** this executor's identity in runs.claimed_by: host, pid and a random tag */
  readonly owner: string;
  /** begins taking runs: polls, heartbeats, and anything a previous process left */
  start(): Promise<void>;
  /**
   * Stops taking runs and lets what is in flight end: the running step may finish within
   * `timeoutMs` (default 0; then its run is handed back before its next step), else it is killed and
   * handed back with that attempt not counted. Resolves when nothing of this executor runs any more.
   */
  stop(opts?: { timeoutMs?: number }): Promise<void>;
  /** looks for work now (after a submission) instead of at the next poll */
  kick(): void;
}

const g = globalThis as { __segflowProcessExecutor?: Executor | null };

/** The executor running in this process, if any (one per process, whichever bundle asks). */
export function processExecutor(): Executor | null {
  return g.__segflowProcessExecutor ?? null;
}

export function setProcessExecutor(e: Executor | null): void {
  g.__segflowProcessExecutor = e;
}
