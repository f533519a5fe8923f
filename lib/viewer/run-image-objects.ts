import { and, eq } from 'drizzle-orm';
import { runs, runSteps, series } from '@/db/schema';
import { parseRunParams, parseStepOutputs, type TStepOutput } from '@/db/schema/run-json';
import { SERVING_INFER_TASK, SHADOW_INFER_TASK } from '../pipeline/definition';
import { stepOutput } from '../pipeline/steps';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import { labelTable } from './label-table';
import type { MaskSource, ViewerLabel } from './schemas';

/** One stored step output, as run_steps.outputs records it. */
export interface ImageObjectRef {
  key: string;
  versionId: string | null;
  sha256: string;
  size: number;
}

export interface MaskObject {
  id: MaskSource;
  role: 'live' | 'canary' | 'shadow' | 'reference';
  model: string;
  version: string;
  labels: ViewerLabel[];
  ref: ImageObjectRef;
}

export interface RunImageObjects {
  runId: string;
  studyId: string;
  /** the series' DICOM modality (CT, MR, …), null when the input did not say (a bare NIfTI) */
  modality: string | null;
  volume: ImageObjectRef;
  serving: MaskObject;
  /** null when the run has no shadow model, or its mask is not written yet */
  shadow: MaskObject | null;
}

function refOf(o: TStepOutput | undefined): ImageObjectRef | null {
  return o ? { key: o.key, versionId: o.versionId, sha256: o.sha256, size: o.size } : null;
}

/**
 * The objects a viewer shows for one run: the de-identified volume the convert step wrote (for DICOM
 * and NIfTI inputs alike) and the masks the infer tasks wrote on the same grid. Only succeeded steps
 * count. A run whose volume or serving mask is not there yet answers not_found with what is missing.
 */
export async function findRunImageObjects(db: DbOrTx, p: { runId: string; projectId: string }): Promise<RunImageObjects> {
  const [run] = await db
    .select()
    .from(runs)
    .where(and(eq(runs.id, p.runId), eq(runs.projectId, p.projectId)))
    .limit(1);
  if (!run) throw new AppError('not_found', `run ${p.runId} not found`);
  const params = parseRunParams(run);
  const rows = await db.select().from(runSteps).where(eq(runSteps.runId, run.id));
  const steps = new Map(rows.filter((s) => s.status === 'succeeded').map((s) => [s.name, parseStepOutputs(s)]));

  // outputs by their declared names (lib/pipeline/steps.ts), of the tasks planRun() names
  const volume = refOf(stepOutput(steps.get('convert'), 'convert', 'volume'));
  const servingMask = refOf(stepOutput(steps.get(SERVING_INFER_TASK), 'infer', 'mask'));
  if (!volume || !servingMask) {
    const missing = !volume ? 'the de-identified volume (convert step)' : `the mask (${SERVING_INFER_TASK} step)`;
    throw new AppError('not_found', `run ${run.id} has no images yet: ${missing} is not written (run status: ${run.status})`);
  }
  const [input] = await db.select({ modality: series.modality }).from(series).where(eq(series.id, params.seriesId)).limit(1);
  const shadowMask = params.shadow ? refOf(stepOutput(steps.get(SHADOW_INFER_TASK), 'infer', 'mask')) : null;
  return {
    runId: run.id,
    studyId: run.studyId,
    modality: input?.modality ?? null,
    volume,
    serving: {
      id: 'serving',
      role: params.serving.role,
      model: params.model,
      version: params.serving.version,
      labels: labelTable(params.serving.spec),
      ref: servingMask,
    },
    shadow:
      params.shadow && shadowMask
        ? { id: 'shadow', role: 'shadow', model: params.model, version: params.shadow.version, labels: labelTable(params.shadow.spec), ref: shadowMask }
        : null,
  };
}
