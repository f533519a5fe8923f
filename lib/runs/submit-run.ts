import { nonImageKind } from '../imaging/dicom/non-image-modalities';
import { and, asc, eq } from 'drizzle-orm';
import { projects, runs, series, storedObjects, type Run } from '@/db/schema';
import type { TRunParams } from '@/db/schema/run-json';
import { config, type ExecutorKind } from '../config';
import type { Tx } from '../db';
import { AppError } from '../errors';
import { kickAfterResponse } from '../executor/after-submit';
import { PIPELINE_VERSION } from '../pipeline/definition';
import { assertProjectMayUseModel } from '../models/model-access';
import { chooseModels } from '../rollout/choose-models';
import { runKey } from './run-key';

export interface SubmitRunInput {
  projectId: string;
  /** a DICOM series or a NIfTI volume of one of the project's studies */
  seriesId: string;
  model: string;
  submittedBy: string;
  /** the executor the run is for; default: this deployment's (lib/config: SEGFLOW_EXECUTOR / ARGO_SERVER) */
  executor?: ExecutorKind;
}

/**
 * Submits a run of one series through the pipeline, or returns the existing run when the same
 * thing was submitted before (same input content, pipeline version, model versions, parameters →
 * same run key; the unique (project, run_key) index settles two submissions racing). A failed or
 * cancelled run is queued again under the same key: a retry, not a new run. The one submit of the
 * API route, the server action and the demo seed; a queued run wakes this process's executor once
 * the request has answered (other executor processes find it on their next poll).
 */
export async function submitRun(tx: Tx, p: SubmitRunInput): Promise<{ run: Run; created: boolean }> {
  const [target] = await tx
    .select()
    .from(series)
    .where(and(eq(series.id, p.seriesId), eq(series.projectId, p.projectId)))
    .limit(1);
  if (!target) throw new AppError('not_found', `series ${p.seriesId} not found`);
  const notImages = target.kind === 'dicom' ? nonImageKind(target.modality) : null;
  if (notImages) {
    throw new AppError('invalid_input', `series ${p.seriesId} is ${notImages}, not images a model can segment`, { field: 'series' });
  }
  const inputs = await tx
    .select({ sha256: storedObjects.sha256 })
    .from(storedObjects)
    .where(and(eq(storedObjects.seriesId, target.id), eq(storedObjects.class, 'phi')))
    .orderBy(asc(storedObjects.key));
  if (!inputs.length) throw new AppError('conflict', `series ${p.seriesId} has no uploaded objects to run on`);
  const [project] = await tx.select({ deidOptions: projects.deidOptions }).from(projects).where(eq(projects.id, p.projectId));
  // a model serves its owning project and the projects granted it (lib/models/model-access.ts)
  await assertProjectMayUseModel(tx, { model: p.model, projectId: p.projectId });
  const chosen = await chooseModels(tx, { model: p.model, studyId: target.studyId });
  // what the run key hashes: the same as before the models were part of params, so keys stay stable
  // a NIfTI volume's stated modality and body part are part of it: a corrected statement is a new run
  const stated = target.kind === 'nifti' && (target.modality || target.bodyPart) ? { stated: { modality: target.modality, bodyPart: target.bodyPart } } : {};
  const keyed = { model: p.model, seriesId: target.id, kind: target.kind, deidOptions: project?.deidOptions ?? {}, ...stated };
  const key = runKey({
    inputs: inputs.map((i) => i.sha256),
    pipelineVersion: PIPELINE_VERSION,
    models: [chosen.serving, ...(chosen.shadow ? [chosen.shadow] : [])].map((m) => ({ role: m.role, sha256: m.sha256 })),
    params: keyed,
  });
  const params: TRunParams = { ...keyed, serving: chosen.serving, ...(chosen.shadow ? { shadow: chosen.shadow } : {}) };
  const [inserted] = await tx
    .insert(runs)
    .values({
      projectId: p.projectId,
      studyId: target.studyId,
      runKey: key,
      pipelineVersion: PIPELINE_VERSION,
      modelVersionId: chosen.serving.versionId,
      shadowVersionId: chosen.shadow?.versionId ?? null,
      servedBy: chosen.serving.role,
      params,
      executor: p.executor ?? config().executor.kind,
      submittedBy: p.submittedBy,
    })
    .onConflictDoNothing({ target: [runs.projectId, runs.runKey] })
    .returning();
  if (inserted) {
    kickAfterResponse();
    return { run: inserted, created: true };
  }
  const [existing] = await tx
    .select()
    .from(runs)
    .where(and(eq(runs.projectId, p.projectId), eq(runs.runKey, key)))
    .for('update');
  if (existing.status === 'failed' || existing.status === 'cancelled') {
    const [again] = await tx.update(runs).set({ status: 'queued', error: null, finishedAt: null }).where(eq(runs.id, existing.id)).returning();
    kickAfterResponse();
    return { run: again, created: false };
  }
  return { run: existing, created: false };
}
