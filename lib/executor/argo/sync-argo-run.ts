import { and, eq, inArray } from 'drizzle-orm';
import { runs, runSteps, type Run } from '@/db/schema';
import type { DbOrTx } from '@/lib/db';
import { loadStepResult } from '@/lib/pipeline/step-exchange';
import { finishRun, writeSucceededManifest } from '@/lib/runs/finish-run';
import { loadRunContext, recordStepResult } from '../run-context';
import type { ArgoTaskStatus, ArgoWorkflowStatus } from './argo-client';

const STEP_STATUS: Record<ArgoTaskStatus['phase'], 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped'> = {
  Pending: 'pending',
  Running: 'running',
  Succeeded: 'succeeded',
  Failed: 'failed',
  Error: 'failed',
  Skipped: 'skipped',
  Omitted: 'skipped',
};

/** Argo's message of a workflow ended by stop or terminate (workflow/controller/operator.go) */
const STOPPED = /Stopped with strategy '(Stop|Terminate)'/;

/**
 * Brings a running Argo run's record up to date from its workflow (read by the executor's one list
 * call per tick, or a GET): each task's status, attempts, timings, what a pending task waits for,
 * and its outputs (its stored result read and checked once, when it first succeeds). When the
 * workflow has succeeded the platform writes the signed manifest and the run is done; when it
 * failed, the first failed task names the error; each task that ended has its attempts' logs saved; when segflow stopped it, the run is cancelled;
 * when it is gone from Argo (deleted, or removed by its TTL before segflow saw its end), the run
 * fails saying so.
 */
export async function syncArgoRun(
  db: DbOrTx,
  runId: string,
  wf: ArgoWorkflowStatus | { gone: string },
  opts: { saveLogs?: (run: Run, task: ArgoTaskStatus) => Promise<void> } = {},
): Promise<Run> {
  const c = await loadRunContext(db, runId);
  if ('gone' in wf) {
    await db
      .update(runSteps)
      .set({ status: 'skipped', detail: null })
      .where(and(eq(runSteps.runId, runId), inArray(runSteps.status, ['pending', 'running'])));
    return finishRun(db, c, {
      status: 'failed',
      error: `workflow ${wf.gone} is gone from Argo (deleted, or removed by its TTL or archived) before segflow saw it finish`,
      failedTask: 'workflow',
    });
  }
  const recorded = new Map((await db.select().from(runSteps).where(eq(runSteps.runId, runId))).map((s) => [s.name, s]));
  for (const t of wf.tasks) {
    const task = c.tasks.find((x) => x.id === t.task);
    const row = recorded.get(t.task);
    if (!task || !row || row.status === 'succeeded') continue;
    let status = t.waiting ? 'pending' : STEP_STATUS[t.phase];
    let outputs = row.outputs;
    let error = status === 'failed' ? (t.message ?? 'failed') : null;
    if (status === 'succeeded') {
      try {
        if (!t.resultRef) throw new Error('the task succeeded without a result reference');
        const result = await loadStepResult(t.resultRef, `result of ${t.task}`);
        await recordStepResult(db, c, task, result);
        outputs = result.outputs;
      } catch (err) {
        // a result that cannot be read or does not check out is that step's failure, never a silent success
        status = 'failed';
        error = `${t.task}: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
    await db
      .update(runSteps)
      .set({
        status: status as 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped',
        attempts: t.attempts,
        startedAt: t.startedAt ? new Date(t.startedAt) : null,
        finishedAt: t.finishedAt ? new Date(t.finishedAt) : null,
        outputs,
        error,
        detail: t.waiting ?? null,
      })
      .where(eq(runSteps.id, row.id));
    // a task that has just ended: its attempts' logs, once (a failed one again only after a retry ran it)
    if ((status === 'succeeded' || status === 'failed') && row.status !== status && opts.saveLogs) await opts.saveLogs(c.run, t);
  }
  const steps = await db.select().from(runSteps).where(eq(runSteps.runId, runId));
  const serving = c.tasks.filter((t) => !t.optional && t.step !== 'manifest');
  const unreadable = steps.find((s) => s.status === 'failed' && serving.some((t) => t.id === s.name));
  if (wf.phase === 'Succeeded' && !unreadable) {
    const manifestRow = steps.find((s) => s.name === 'manifest')!;
    await db
      .update(runSteps)
      .set({ status: 'running', attempts: manifestRow.attempts + 1, startedAt: new Date() })
      .where(eq(runSteps.id, manifestRow.id));
    try {
      await writeSucceededManifest(db, c);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await db.update(runSteps).set({ status: 'failed', finishedAt: new Date(), error: message }).where(eq(runSteps.id, manifestRow.id));
      return finishRun(db, c, { status: 'failed', error: `manifest: ${message}`, failedTask: 'manifest' });
    }
    await db.update(runSteps).set({ status: 'succeeded', finishedAt: new Date() }).where(eq(runSteps.id, manifestRow.id));
    return finishRun(db, c, { status: 'succeeded' });
  }
  if (wf.phase === 'Succeeded' || wf.phase === 'Failed' || wf.phase === 'Error') {
    const stopped = STOPPED.test(wf.message ?? '');
    await db
      .update(runSteps)
      .set({ status: stopped ? 'cancelled' : 'skipped', detail: null })
      .where(and(eq(runSteps.runId, runId), inArray(runSteps.status, ['pending', 'running'])));
    if (stopped) {
      const [row] = await db
        .update(runs)
        .set({ status: 'cancelled', error: `cancelled: ${wf.message}`, finishedAt: new Date() })
        .where(eq(runs.id, runId))
        .returning();
      return row;
    }
    const failed = unreadable
      ? wf.tasks.find((t) => t.task === unreadable.name)
      : wf.tasks.find((t) => (t.phase === 'Failed' || t.phase === 'Error') && serving.some((s) => s.id === t.task));
    const error = unreadable
      ? (unreadable.error ?? 'failed')
      : failed
        ? `${failed.task}: ${failed.message ?? 'failed'}`
        : `workflow ${wf.name}: ${wf.message ?? wf.phase}`;
    return finishRun(db, c, { status: 'failed', error, failedTask: failed?.task ?? 'workflow' });
  }
  const [row] = await db.select().from(runs).where(eq(runs.id, runId));
  return row;
}
