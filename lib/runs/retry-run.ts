import { and, eq, sql } from 'drizzle-orm';
import { runs, runSteps, type Run } from '@/db/schema';
import { parseRunParams, parseStepOutputs } from '@/db/schema/run-json';
import { argoConnection } from '@/lib/executor/argo/argo-connection';
import { retryArgoRun } from '@/lib/executor/argo/control-argo-run';
import { kickAfterResponse } from '@/lib/executor/after-submit';
import { headObject } from '@/lib/storage/objects';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import { assertProjectMayUseModel } from '../models/model-access';

/** a succeeded step is kept when every output it recorded is still in the bucket, as recorded */
async function outputsStillThere(outputs: { key: string; size: number; versionId: string | null }[]): Promise<boolean> {
  for (const o of outputs) {
    const head = await headObject(o.key);
    if (!head || head.size !== o.size || (o.versionId && head.versionId && head.versionId !== o.versionId)) return false;
  }
  return true;
}

/**
 * Runs a failed or cancelled run again as its next attempt (runs.attempt + 1; the same run, the same
 * run key): the steps that did not succeed run again (each step's attempts go on counting), the ones
 * that succeeded are kept when their outputs are still in the bucket (steps are deterministic: a step
 * run again writes the same bytes). The new attempt writes its own manifest. Retrying a run that was
 * already retried and is queued or running again changes nothing (a double click, a second CLI call).
 * `domainOverride`: an operator's reason to segment an input the model refused as outside its
 * declared domain; it goes into the run's params (and so its signed manifest) and the run's warnings.
 */
export async function retryRun(db: DbOrTx, p: { runId: string; projectId: string; domainOverride?: { reason: string; by: string } }): Promise<Run> {
  const [run] = await db
    .select()
    .from(runs)
    .where(and(eq(runs.id, p.runId), eq(runs.projectId, p.projectId)));
  if (!run) throw new AppError('not_found', `run ${p.runId} not found`);
  if ((run.status === 'queued' || run.status === 'running') && run.attempt > 1) return run;
  if (run.status !== 'failed' && run.status !== 'cancelled')
    throw new AppError(
      'conflict',
      `run ${p.runId} has ${run.status === 'succeeded' ? 'succeeded' : `status ${run.status}`}: only a failed or cancelled run can be retried`,
    );
  // a grant revoked since the run was submitted: its project no longer runs the model
  const model = (run.params as { model?: unknown }).model;
  if (typeof model === 'string') await assertProjectMayUseModel(db, { model, projectId: run.projectId, unknownOk: true });

  const params = p.domainOverride ? { ...parseRunParams(run), domainOverride: { ...p.domainOverride, at: new Date().toISOString() } } : undefined;
  if (params) await db.update(runs).set({ params }).where(eq(runs.id, run.id));

  if (run.executor === 'argo') {
    const conn = argoConnection();
    if (!conn) throw new AppError('unavailable', `run ${p.runId} runs on Argo, and this server has no ARGO_SERVER configured to retry it`);
    const row = await retryArgoRun(db, conn, run.id);
    kickAfterResponse();
    return row;
  }

  for (const step of await db.select().from(runSteps).where(eq(runSteps.runId, run.id))) {
    // the manifest runs again (a failed run's manifest step succeeded: the new attempt writes its own)
    if (step.status === 'succeeded' && step.name !== 'manifest' && (await outputsStillThere(parseStepOutputs(step)))) continue;
    await db
      .update(runSteps)
      .set({ status: 'pending', error: null, detail: null, startedAt: null, finishedAt: null, ...(step.status === 'succeeded' ? { outputs: [] } : {}) })
      .where(eq(runSteps.id, step.id));
  }
  const [row] = await db
    .update(runs)
    .set({
      status: 'queued',
      error: null,
      // the new attempt's own time: "took" is not the wait between the failure and the retry
      startedAt: null,
      finishedAt: null,
      claimedBy: null,
      leaseExpiresAt: null,
      externalId: null,
      manifestKey: null,
      manifestSha256: null,
      attempt: sql`${runs.attempt} + 1`,
    })
    .where(and(eq(runs.id, run.id), eq(runs.status, run.status)))
    .returning();
  if (!row) throw new AppError('conflict', `run ${p.runId} changed while it was being retried: look again`);
  kickAfterResponse();
  return row;
}
