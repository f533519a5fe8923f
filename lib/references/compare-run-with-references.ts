import { and, eq, isNotNull } from 'drizzle-orm';
import { referenceComparisons, runSteps, studyReferences, type Run } from '@/db/schema';
import { parseRunParams, parseStepOutputs } from '@/db/schema/run-json';
import type { DbOrTx } from '../db';
import { readNifti } from '../imaging/nifti/read-nifti';
import type { Volume } from '../imaging/volume';
import { compareLabelmaps } from '../metrics/compare-labelmaps';
import { parseModelSpec } from '../models/model-spec';
import { SERVING_INFER_TASK } from '../pipeline/definition';
import { stepOutput } from '../pipeline/steps';
import { getObjectBytes } from '../storage/objects';
import { mapLabelsByName } from './map-labels-by-name';
import type { TReferenceMetrics } from './reference-metrics';

/**
 * Compares a succeeded run's serving mask with every ready reference of its series (or the one
 * given): Dice, HD95 and volume difference per label mapped by name. One row per (run, reference);
 * a second call leaves an existing row. A reference sharing no label name with the model is skipped.
 * Returns how many comparisons were written.
 */
export async function compareRunWithReferences(db: DbOrTx, run: Run, only?: { referenceId: string }): Promise<number> {
  if (run.status !== 'succeeded' || !run.modelVersionId) return 0;
  const params = parseRunParams(run);
  const refs = await db
    .select()
    .from(studyReferences)
    .where(
      and(eq(studyReferences.seriesId, params.seriesId), isNotNull(studyReferences.labelmapKey), only ? eq(studyReferences.id, only.referenceId) : undefined),
    );
  if (refs.length === 0) return 0;
  const [step] = await db
    .select()
    .from(runSteps)
    .where(and(eq(runSteps.runId, run.id), eq(runSteps.name, SERVING_INFER_TASK), eq(runSteps.status, 'succeeded')));
  const maskRef = step ? stepOutput(parseStepOutputs(step), 'infer', 'mask') : undefined;
  if (!maskRef) return 0;
  const mask = readNifti(await getObjectBytes({ key: maskRef.key, versionId: maskRef.versionId }), 'serving mask') as Volume<Uint8Array>;
  const modelLabels = parseModelSpec(params.serving.spec, 'serving model spec').labels;
  let written = 0;
  for (const ref of refs) {
    const mapping = mapLabelsByName(ref.labels, modelLabels);
    if (mapping.compared.length === 0) continue;
    const raw = readNifti(await getObjectBytes({ key: ref.labelmapKey! }), 'reference labelmap');
    const remapped = new Uint8Array(raw.data.length);
    for (let i = 0; i < raw.data.length; i++) remapped[i] = mapping.remap[Number(raw.data[i])];
    const comparison = compareLabelmaps({ ...raw, data: remapped }, mask, mapping.compared);
    const metrics: TReferenceMetrics = { ...comparison, unmatched: mapping.unmatched };
    const rows = await db
      .insert(referenceComparisons)
      .values({ projectId: run.projectId, runId: run.id, referenceId: ref.id, modelVersionId: run.modelVersionId, metrics, meanDice: comparison.meanDice })
      .onConflictDoNothing()
      .returning({ id: referenceComparisons.id });
    written += rows.length;
  }
  return written;
}
