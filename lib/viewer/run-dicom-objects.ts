import { and, eq } from 'drizzle-orm';
import { runs, runSteps } from '@/db/schema';
import { parseRunParams, parseStepOutputs, type TStepOutput } from '@/db/schema/run-json';
import { SERVING_INFER_TASK, SHADOW_INFER_TASK } from '../pipeline/definition';
import { stepOutput, stepOutputs } from '../pipeline/steps';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import { labelTable } from './label-table';
import type { ImageObjectRef, MaskObject } from './run-image-objects';

export interface RunDicomObjects {
  runId: string;
  /** the de-identified instances the deidentify step wrote (derived/), in input order */
  instances: ImageObjectRef[];
  /** the serving model's DICOM SEG of the series */
  serving: MaskObject;
  /** the shadow model's SEG, null when there is none (or it is not written yet) */
  shadow: MaskObject | null;
}

const refOf = (o: TStepOutput): ImageObjectRef => ({ key: o.key, versionId: o.versionId, sha256: o.sha256, size: o.size });

/**
 * What a native DICOM view of a run shows: the de-identified instances (never the raw upload: they
 * are the deidentify step's outputs under derived/) and the DICOM SEG each infer task wrote over
 * them. A run on a NIfTI volume, or one whose SEG is not written, answers not_found saying which.
 */
export async function findRunDicomObjects(db: DbOrTx, p: { runId: string; projectId: string }): Promise<RunDicomObjects> {
  const [run] = await db
    .select()
    .from(runs)
    .where(and(eq(runs.id, p.runId), eq(runs.projectId, p.projectId)))
    .limit(1);
  if (!run) throw new AppError('not_found', `run ${p.runId} not found`);
  const params = parseRunParams(run);
  const rows = await db.select().from(runSteps).where(eq(runSteps.runId, run.id));
  const steps = new Map(rows.filter((s) => s.status === 'succeeded').map((s) => [s.name, parseStepOutputs(s)]));
  const instances = stepOutputs(steps.get('deidentify') ?? [], 'deidentify', 'instance')
    .sort((a, b) => a.name.localeCompare(b.name))
    .map(refOf);
  if (!instances.length)
    throw new AppError('not_found', `run ${run.id} has no de-identified DICOM instances (its input is not a DICOM series, or it is not de-identified yet)`);
  const servingSeg = stepOutput(steps.get(SERVING_INFER_TASK), 'infer', 'seg');
  if (!servingSeg)
    throw new AppError('not_found', `run ${run.id} has no DICOM SEG yet: the ${SERVING_INFER_TASK} step has not written it (run status: ${run.status})`);
  const shadowSeg = params.shadow ? stepOutput(steps.get(SHADOW_INFER_TASK), 'infer', 'seg') : undefined;
  return {
    runId: run.id,
    instances,
    serving: {
      id: 'serving',
      role: params.serving.role,
      model: params.model,
      version: params.serving.version,
      labels: labelTable(params.serving.spec),
      ref: refOf(servingSeg),
    },
    shadow:
      params.shadow && shadowSeg
        ? { id: 'shadow', role: 'shadow', model: params.model, version: params.shadow.version, labels: labelTable(params.shadow.spec), ref: refOf(shadowSeg) }
        : null,
  };
}

/** Whether the run can be shown natively: de-identified instances and the serving SEG are written. */
export async function hasRunDicom(db: DbOrTx, p: { runId: string; projectId: string }): Promise<boolean> {
  try {
    await findRunDicomObjects(db, p);
    return true;
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') return false;
    throw err;
  }
}
