import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { runs, runSteps, type Run } from '@/db/schema';
import type { DbOrTx } from '@/lib/db';
import { cancelUnfinishedSteps } from '@/lib/runs/cancel-unfinished-steps';
import { actOnWorkflow, ArgoError, type ArgoConnection } from './argo-client';
import { parseWorkflowRef, workflowRef } from './submit-to-argo';

/**
 * Run control on Argo, for whichever process is asked (the app's route, or the executor itself): the
 * Argo Server does the work (PUT stop|terminate|retry|resubmit), the executor's next tick mirrors it.
 */

async function argoRun(db: DbOrTx, runId: string, statuses?: Run['status'][]): Promise<Run> {
  const [run] = await db.select().from(runs).where(eq(runs.id, runId));
  if (run?.executor !== 'argo') throw new Error(`run ${runId}: not an Argo run`);
  if (statuses && !statuses.includes(run.status)) throw new Error(`run ${runId} is ${run.status}: expected ${statuses.join(' or ')}`);
  return run;
}

/**
 * Cancels a run: a queued one at once; a submitted one by stopping its workflow (no new step starts,
 * running ones finish — or, with `force`, terminating it: its pods are killed now). The run becomes
 * `cancelled` when the workflow has ended (the executor's next ticks), with the reason.
 */
export async function cancelArgoRun(db: DbOrTx, conn: ArgoConnection, runId: string, opts: { force?: boolean; reason?: string } = {}): Promise<Run> {
  const [queued] = await db
    .update(runs)
    .set({ status: 'cancelled', error: `cancelled: ${opts.reason ?? 'before it started'}`, finishedAt: new Date() })
    .where(and(eq(runs.id, runId), eq(runs.executor, 'argo'), eq(runs.status, 'queued')))
    .returning();
  if (queued) {
    await cancelUnfinishedSteps(db, queued);
    return queued;
  }
  const run = await argoRun(db, runId, ['running']);
  const ref = parseWorkflowRef(run.externalId);
  if (!ref) {
    const [row] = await db
      .update(runs)
      .set({
        status: 'cancelled',
        error: `cancelled: ${opts.reason ?? 'before its workflow was submitted'}`,
        finishedAt: new Date(),
        claimedBy: null,
        leaseExpiresAt: null,
      })
      .where(and(eq(runs.id, runId), eq(runs.status, 'running'), isNull(runs.externalId)))
      .returning();
    return row ?? argoRun(db, runId);
  }
  await actOnWorkflow({
    ...conn,
    namespace: ref.namespace,
    name: ref.name,
    action: opts.force ? 'terminate' : 'stop',
    ...(opts.reason ? { message: opts.reason } : {}),
  });
  return run;
}

/**
 * Runs a failed or cancelled run again, as its next attempt. `retry` reruns its workflow from the
 * failed steps (the succeeded ones keep their outputs); `resubmit` runs the whole pipeline again as a
 * new workflow. When the workflow is gone from Argo, both submit the run again from its record.
 */
export async function retryArgoRun(db: DbOrTx, conn: ArgoConnection, runId: string, opts: { mode?: 'retry' | 'resubmit' } = {}): Promise<Run> {
  const run = await argoRun(db, runId, ['failed', 'cancelled']);
  const ref = parseWorkflowRef(run.externalId);
  let externalId: string | null = run.externalId;
  if (ref) {
    try {
      const done = await actOnWorkflow({ ...conn, namespace: ref.namespace, name: ref.name, action: opts.mode ?? 'retry' });
      externalId = workflowRef(ref.namespace, done.name);
    } catch (err) {
      if (!(err instanceof ArgoError && err.status === 404)) throw err;
      externalId = null;
    }
  }
  // steps that did not succeed run again (a resubmitted or new workflow runs them all); the manifest
  // always (a failed run's manifest step succeeded: the new attempt writes its own)
  const again = opts.mode === 'resubmit' || externalId === null ? undefined : (['failed', 'skipped', 'cancelled'] as const);
  await db
    .update(runSteps)
    .set({ status: 'pending', error: null, detail: null, finishedAt: null, ...(again ? {} : { outputs: [], startedAt: null }) })
    .where(again ? and(eq(runSteps.runId, runId), or(inArray(runSteps.status, [...again]), eq(runSteps.name, 'manifest'))) : eq(runSteps.runId, runId));
  // with a workflow: followed from here (no lease); without one: queued, so the claim submits it again
  const common = {
    error: null,
    finishedAt: null,
    claimedBy: null,
    leaseExpiresAt: null,
    manifestKey: null,
    manifestSha256: null,
    attempt: sql`${runs.attempt} + 1`,
  };
  const [row] = await db
    .update(runs)
    // the new attempt's own time ("took" is not the wait before the retry): now when Argo resumes the
    // workflow, else from the claim that submits it again
    .set(externalId ? { ...common, status: 'running', externalId, startedAt: new Date() } : { ...common, status: 'queued', externalId: null, startedAt: null })
    .where(eq(runs.id, runId))
    .returning();
  return row;
}
