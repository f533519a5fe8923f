import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { runs, runSteps, type Run, type RunStep } from '@/db/schema';
import { parseStepOutputs } from '@/db/schema/run-json';
import { config } from '@/lib/config';
import { getDb, type DbOrTx } from '@/lib/db';
import type { PlannedTask } from '@/lib/pipeline/definition';
import type { TStepInvocation, TStepOutput, TStepResult } from '@/lib/pipeline/step-contract';
import { retryDelayS, STEPS } from '@/lib/pipeline/steps';
import { finishRun, writeSucceededManifest } from '@/lib/runs/finish-run';
import { saveStepLog } from '@/lib/runs/logs/save-step-log';
import { StepLog } from '@/lib/runs/logs/step-log';
import { DEID_SECRET_ENV } from '@/workers/steps/deid-secret';
import { handBackRun } from '../claim-run';
import { buildInvocation, loadRunContext, recordStepResult, type RunContext } from '../run-context';
import { trackRunningRun } from './running-runs';
import { spawnStep, StepAborted, StepRefused, type StepContext } from './spawn-step';
import { sharedStepWorkers } from './step-worker-pool';
import { logger } from '../../log/logger';

const executorLog = logger('executor');

/** Why an executor aborts a run it executes. */
export type AbortReason =
  /** shutting down: the step is killed and handed back, its attempt not counted */
  | { kind: 'shutdown' }
  /** the lease lapsed and another executor may hold the run now: walk away, write nothing */
  | { kind: 'lease-lost' }
  /** the run was cancelled (lib/runs/cancel-run.ts): the step is killed, it and the rest are recorded as cancelled */
  | { kind: 'cancelled' }
  /** the run was cancelled and retried meanwhile: its next attempt is another execution's; walk away, write nothing */
  | { kind: 'superseded' };

export interface ExecuteOptions {
  /** runs one attempt of a worker step; default: a child process (`segflow step`) */
  runWorkerStep?: (inv: TStepInvocation, ctx: StepContext) => Promise<TStepResult>;
  /** first retry delay, doubling per attempt; default: the step's backoff (lib/pipeline/steps.ts) */
  retryDelayMs?: number;
  /** aborts the running step (its reason: an AbortReason) */
  signal?: AbortSignal;
  /** asked before each task: true hands the run back instead of starting it (a shutdown that lets the running step finish) */
  handBackBeforeNextTask?: () => boolean;
  /** the executor holding the run's claim (runs.claimed_by), when it was claimed */
  owner?: string;
  /** how often the run's status is read to notice a cancellation made by another process; default SEGFLOW_EXECUTOR_POLL_MS */
  cancelPollMs?: number;
  /** how often a running step's log is stored while it runs (the run page shows it live); default 5 s */
  logFlushMs?: number;
}

const reasonOf = (signal: AbortSignal | undefined): AbortReason | null =>
  signal?.aborted ? ((signal.reason as AbortReason | undefined) ?? { kind: 'shutdown' }) : null;

/** Waits, unless the signal aborts first. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Takes one claimed run through its DAG on this machine, one task at a time in dependency order
 * (two cores: the infer tasks would only fight over them). Each task is a run_steps row: attempts,
 * timings, outputs and error are recorded as they happen, so a run interrupted by a restart resumes
 * after its last finished task. A failing task is retried with its step's backoff up to its limit; a
 * task that still fails fails the run and the tasks after it are skipped — except shadow work (an
 * optional task), whose failure is recorded while the serving path goes on. Steps write the same bytes
 * to the same keys on a retry, so a retry never leaves two versions of an output behind.
 *
 * Handing back (the executor stops): before the next task, or — once `signal` aborts — by killing the
 * running step; the attempt it was on is not counted (the step is pending again), and the run is
 * queued for the next executor. Returns the run as it was left: finished, or queued again.
 *
 * Cancelling (lib/runs/cancel-run.ts marks the run cancelled in the database): noticed at once when
 * this process executes the run (running-runs.ts), else by reading the run's status every
 * `cancelPollMs` and before each task; the running step's process group is killed, the step and the
 * ones after it are recorded as cancelled, and nothing more is written (no manifest).
 */
export async function executeRun(runId: string, given: ExecuteOptions = {}): Promise<Run> {
  const cancel = new AbortController();
  const untrack = trackRunningRun(runId, cancel);
  const fence: AttemptFence = { runId, attempt: -1 };
  const watch = setInterval(() => {
    void pollReason(getDb(), fence).then(
      (reason) => reason && cancel.abort(reason),
      () => undefined, // the next poll tries again
    );
  }, given.cancelPollMs ?? config().executor.pollMs);
  watch.unref();
  try {
    return await executeClaimedRun(fence, { ...given, signal: given.signal ? AbortSignal.any([given.signal, cancel.signal]) : cancel.signal });
  } finally {
    clearInterval(watch);
    untrack();
  }
}

async function isCancelled(db: DbOrTx, runId: string): Promise<boolean> {
  const [row] = await db.select({ status: runs.status }).from(runs).where(eq(runs.id, runId));
  return row?.status === 'cancelled';
}

/**
 * The fence of one execution: the attempt of the run it executes. A run cancelled while a step runs
 * can be retried before that step's process is gone (or before an executor in another process polls):
 * the retried attempt is another execution's, and every write of this one is then a no-op — its step
 * rows, the run's status, its manifest. Without it a late "succeeded" landed on the retried attempt's
 * reset row (no start time) and the old execution's cancel bookkeeping cancelled the new attempt's steps.
 */
export interface AttemptFence {
  runId: string;
  /** the run's attempt this execution took; -1 until its context is loaded */
  attempt: number;
}
/** SQL true while the run is still at the fence's attempt (for the where clause of a write) */
export const ofAttempt = (f: AttemptFence): SQL => sql`exists (select 1 from ${runs} where ${runs.id} = ${f.runId} and ${runs.attempt} = ${f.attempt})`;

/** why the poll stops this execution: cancelled, or cancelled and retried (superseded); null to go on */
async function pollReason(db: DbOrTx, f: AttemptFence): Promise<AbortReason | null> {
  const [row] = await db.select({ status: runs.status, attempt: runs.attempt }).from(runs).where(eq(runs.id, f.runId));
  if (!row) return null;
  if (f.attempt >= 0 && row.attempt !== f.attempt) return { kind: 'superseded' };
  return row.status === 'cancelled' ? { kind: 'cancelled' } : null;
}

/** A cancelled run's steps that had not finished: cancelled, and the claim released (cancelRun did most of it; this catches a step started meanwhile). */
async function recordCancelled(db: DbOrTx, f: AttemptFence): Promise<Run> {
  const runId = f.runId;
  await db
    .update(runSteps)
    .set({ status: 'cancelled', finishedAt: new Date() })
    .where(and(eq(runSteps.runId, runId), inArray(runSteps.status, ['pending', 'running']), ofAttempt(f)));
  const [row] = await db
    .update(runs)
    .set({ claimedBy: null, leaseExpiresAt: null })
    .where(and(eq(runs.id, runId), eq(runs.status, 'cancelled'), eq(runs.attempt, f.attempt)))
    .returning();
  return row ?? (await db.select().from(runs).where(eq(runs.id, runId)))[0];
}

async function executeClaimedRun(fence: AttemptFence, opts: ExecuteOptions): Promise<Run> {
  const db = getDb();
  const runId = fence.runId;
  // warm step workers unless SEGFLOW_STEP_WORKERS=process (then a new `segflow step` process per attempt)
  const runWorkerStep = opts.runWorkerStep ?? sharedStepWorkers()?.run ?? spawnStep;
  const c = await loadRunContext(db, runId);
  fence.attempt = c.run.attempt;
  const mine = ofAttempt(fence);
  if (c.run.status === 'cancelled') return recordCancelled(db, fence);
  await db
    .insert(runSteps)
    .values(c.tasks.map((t) => ({ runId, name: t.id })))
    .onConflictDoNothing();
  await db
    .update(runs)
    .set({ status: 'running', startedAt: c.run.startedAt ?? new Date(), externalId: `local:${process.pid}` })
    .where(and(eq(runs.id, runId), inArray(runs.status, ['queued', 'running']), eq(runs.attempt, fence.attempt)));

  const handBack = async (): Promise<Run> =>
    (await handBackRun(db, { runId, owner: opts.owner })) ?? (await db.select().from(runs).where(eq(runs.id, runId)))[0];
  const leave = async (): Promise<Run> => {
    const kind = reasonOf(opts.signal)?.kind;
    const now = async () => (await db.select().from(runs).where(eq(runs.id, runId)))[0];
    if (kind === 'superseded' || kind === 'lease-lost') return now();
    if (kind === 'cancelled' || (await isCancelled(db, runId))) return recordCancelled(db, fence);
    return (await pollReason(db, fence))?.kind === 'superseded' ? now() : handBack();
  };

  const upstream: Record<string, TStepOutput[]> = {};
  const missed = new Set<string>(); // optional tasks that failed or were skipped
  for (const task of c.tasks) {
    const [row] = await db
      .select()
      .from(runSteps)
      .where(and(eq(runSteps.runId, runId), eq(runSteps.name, task.id)));
    if (row.status === 'succeeded') {
      upstream[task.id] = parseStepOutputs(row);
      continue;
    }
    // shadow work after failed shadow work cannot run; the serving path and the manifest go on
    if (task.optional && task.after.some((d) => missed.has(d))) {
      await db
        .update(runSteps)
        .set({ status: 'skipped' })
        .where(and(eq(runSteps.id, row.id), mine));
      missed.add(task.id);
      continue;
    }
    if (opts.signal?.aborted || opts.handBackBeforeNextTask?.() || (await pollReason(db, fence))) return leave();
    const outcome = await runWithRetries(c, fence, task, row, upstream, runWorkerStep, opts);
    if (outcome === 'aborted') return leave();
    if (outcome === 'succeeded') continue;
    if (task.optional) {
      missed.add(task.id);
      continue;
    }
    await db
      .update(runSteps)
      .set({ status: 'skipped' })
      .where(and(eq(runSteps.runId, runId), inArray(runSteps.status, ['pending', 'running']), mine));
    return finishRun(db, c, { status: 'failed', error: `${task.id}: ${outcome.error}`, failedTask: task.id });
  }
  return finishRun(db, c, { status: 'succeeded' });
}

/** One task's attempts, from the next one its row allows, until it succeeds, runs out of attempts, or is aborted. */
async function runWithRetries(
  c: RunContext,
  fence: AttemptFence,
  task: PlannedTask,
  row: RunStep,
  upstream: Record<string, TStepOutput[]>,
  runWorkerStep: NonNullable<ExecuteOptions['runWorkerStep']>,
  opts: ExecuteOptions,
): Promise<'succeeded' | 'aborted' | { error: string }> {
  const db = getDb();
  const step = STEPS[task.step];
  const thisRow = and(eq(runSteps.id, row.id), ofAttempt(fence));
  for (let attempt = row.attempts + 1; ; attempt++) {
    const [started] = await db
      .update(runSteps)
      .set({ status: 'running', attempts: attempt, startedAt: new Date(), finishedAt: null, error: null })
      .where(thisRow)
      .returning({ id: runSteps.id });
    if (!started) return 'aborted'; // superseded before it began
    const log = new StepLog();
    const logged = task.step !== 'manifest';
    const save = (final: boolean) =>
      logged
        ? saveStepLog({ run: c.run, task: task.id, attempt, log, final }).catch((err: unknown) =>
            executorLog.error({ err, run: c.run.id, task: task.id }, 'the step log could not be stored'),
          )
        : Promise.resolve();
    const flush = setInterval(() => void (log.dirty && save(false)), opts.logFlushMs ?? 5000);
    flush.unref();
    const end = async (how: string) => {
      clearInterval(flush);
      log.note(how);
      await save(true);
    };
    try {
      const result = await runTask(c, task, upstream, runWorkerStep, { signal: opts.signal, timeoutMs: step.timeoutS * 1000, log });
      // a step that finished as its run was cancelled and retried: its result is not this attempt's to record
      if ((await pollReason(db, fence))?.kind === 'superseded') throw new StepAborted(`${task.id}: the run was retried meanwhile`);
      await end(`attempt ${attempt} succeeded`);
      await recordStepResult(db, c, task, result);
      const [recorded] = await db
        .update(runSteps)
        .set({ status: 'succeeded', finishedAt: new Date(), outputs: result.outputs })
        .where(thisRow)
        .returning({ id: runSteps.id });
      if (!recorded) return 'aborted';
      upstream[task.id] = result.outputs;
      return 'succeeded';
    } catch (err) {
      const reason = reasonOf(opts.signal);
      await end(
        err instanceof StepAborted || reason
          ? `attempt ${attempt} stopped by the executor (${reason?.kind ?? 'aborted'})`
          : `attempt ${attempt} failed: ${err instanceof Error ? err.message : String(err)}`,
      );
      if (err instanceof StepAborted || reason) {
        // not the step's failure: this attempt does not count; the next executor runs it again (a cancelled one: leave() records it)
        if (reason?.kind === 'shutdown' || !reason)
          await db
            .update(runSteps)
            .set({ status: 'pending', attempts: attempt - 1, startedAt: null, finishedAt: null, error: null })
            .where(thisRow);
        return 'aborted';
      }
      const message = err instanceof Error ? err.message : String(err);
      const refused = err instanceof StepRefused;
      await db
        .update(runSteps)
        .set({ status: 'failed', finishedAt: new Date(), error: message, ...(refused ? { checks: err.checks } : {}) })
        .where(thisRow);
      // an input outside the model's domain is refused the same way every time: no retry
      if (refused || attempt >= step.retry.maxAttempts) return { error: message };
      await pause(opts.retryDelayMs !== undefined ? opts.retryDelayMs * 2 ** (attempt - 1) : retryDelayS(task.step, attempt + 1) * 1000, opts.signal);
      if (opts.signal?.aborted) {
        // stopped while waiting to retry: the failed attempt counts, the next one is the next executor's
        if (reasonOf(opts.signal)?.kind === 'shutdown') await db.update(runSteps).set({ status: 'pending' }).where(thisRow);
        return 'aborted';
      }
    }
  }
}

async function runTask(
  c: RunContext,
  task: PlannedTask,
  upstream: Record<string, TStepOutput[]>,
  runWorkerStep: NonNullable<ExecuteOptions['runWorkerStep']>,
  ctx: Omit<StepContext, 'env'>,
): Promise<TStepResult> {
  if (task.step === 'manifest') {
    // in this process (it holds the signing key); quick, so a shutdown lets it finish
    const written = await writeSucceededManifest(getDb(), c);
    return { outputs: [], info: { manifest: written.key, sha256: written.sha256 } };
  }
  return runWorkerStep(buildInvocation(c, task, upstream), { ...ctx, env: task.step === 'deidentify' ? { [DEID_SECRET_ENV]: c.deidSecret } : {} });
}
