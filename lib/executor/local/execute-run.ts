import { and, eq, inArray } from 'drizzle-orm';
import { runs, runSteps, type Run } from '@/db/schema';
import { getDb } from '@/lib/db';
import { STEPS, type PlannedTask } from '@/lib/pipeline/definition';
import type { TStepInvocation, TStepOutput, TStepResult } from '@/lib/pipeline/step-contract';
import { DEID_SECRET_ENV } from '@/workers/steps/deid-secret';
import { finishRun, writeSucceededManifest } from '../finish-run';
import { buildInvocation, loadRunContext, recordStepResult, type RunContext } from '../run-context';
import { spawnStep } from './spawn-step';

export interface ExecuteOptions {
  /** runs one worker step; default: a child process (`segflow step`) */
  runWorkerStep?: (inv: TStepInvocation, env: Record<string, string>) => Promise<TStepResult>;
  /** first retry delay, doubling per attempt */
  retryDelayMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Takes one claimed run through its DAG on this machine, one task at a time in dependency order
 * (two cores: the infer tasks would only fight over them). Each task is a run_steps row: attempts,
 * timings, outputs and error are recorded as they happen, so a run interrupted by a restart resumes
 * after its last finished task. A failing task is retried with backoff up to its step's limit; a
 * task that still fails fails the run and the tasks after it are skipped — except shadow work (an
 * optional task), whose failure is recorded while the serving path goes on. Steps write the same bytes
 * to the same keys on a retry, so a retry never leaves two versions of an output behind.
 */
export async function executeRun(runId: string, opts: ExecuteOptions = {}): Promise<Run> {
  const db = getDb();
  const runWorkerStep = opts.runWorkerStep ?? ((inv, env) => spawnStep(inv, { env }));
  const c = await loadRunContext(db, runId);
  await db.insert(runSteps).values(c.tasks.map((t) => ({ runId, name: t.id }))).onConflictDoNothing();
  await db.update(runs).set({ status: 'running', startedAt: c.run.startedAt ?? new Date(), externalId: `local:${process.pid}` }).where(eq(runs.id, runId));

  const upstream: Record<string, TStepOutput[]> = {};
  const missed = new Set<string>(); // optional tasks that failed or were skipped
  for (const task of c.tasks) {
    const [row] = await db.select().from(runSteps).where(and(eq(runSteps.runId, runId), eq(runSteps.name, task.id)));
    if (row.status === 'succeeded') {
      upstream[task.id] = row.outputs as TStepOutput[];
      continue;
    }
    // shadow work after failed shadow work cannot run; the serving path and the manifest go on
    if (task.optional && task.after.some((d) => missed.has(d))) {
      await db.update(runSteps).set({ status: 'skipped' }).where(eq(runSteps.id, row.id));
      missed.add(task.id);
      continue;
    }
    const max = STEPS[task.step].maxAttempts;
    for (let attempt = row.attempts + 1; ; attempt++) {
      await db.update(runSteps).set({ status: 'running', attempts: attempt, startedAt: new Date(), finishedAt: null, error: null }).where(eq(runSteps.id, row.id));
      try {
        const result = await runTask(c, task, upstream, runWorkerStep);
        await recordStepResult(db, c, task, result);
        await db.update(runSteps).set({ status: 'succeeded', finishedAt: new Date(), outputs: result.outputs }).where(eq(runSteps.id, row.id));
        upstream[task.id] = result.outputs;
        break;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        await db.update(runSteps).set({ status: 'failed', finishedAt: new Date(), error: message }).where(eq(runSteps.id, row.id));
        if (attempt < max) {
          await sleep((opts.retryDelayMs ?? 1000) * 2 ** (attempt - 1));
          continue;
        }
        if (task.optional) {
          missed.add(task.id);
          break;
        }
        await db.update(runSteps).set({ status: 'skipped' }).where(and(eq(runSteps.runId, runId), inArray(runSteps.status, ['pending', 'running'])));
        return finishRun(db, c, { status: 'failed', error: `${task.id}: ${message}`, failedTask: task.id });
      }
    }
  }
  return finishRun(db, c, { status: 'succeeded' });
}

async function runTask(c: RunContext, task: PlannedTask, upstream: Record<string, TStepOutput[]>, runWorkerStep: NonNullable<ExecuteOptions['runWorkerStep']>): Promise<TStepResult> {
  if (task.step === 'manifest') {
    const written = await writeSucceededManifest(getDb(), c);
    return { outputs: [], info: { manifest: written.key, sha256: written.sha256 } };
  }
  return runWorkerStep(buildInvocation(c, task, upstream), task.step === 'deidentify' ? { [DEID_SECRET_ENV]: c.deidSecret } : {});
}
