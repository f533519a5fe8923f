import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import { referenceComparisons, runSteps, studyReferences, type Run } from '@/db/schema';
import { parseRunParams, parseStepOutputs } from '@/db/schema/run-json';
import type { DbOrTx } from '../db';
import { readNifti } from '../imaging/nifti/read-nifti';
import type { Volume } from '../imaging/volume';
import { compareLabelmaps } from '../metrics/compare-labelmaps';
import { parseModelSpec } from '../models/model-spec';
import { SERVING_INFER_TASK, SHADOW_INFER_TASK } from '../pipeline/definition';
import { stepOutput } from '../pipeline/steps';
import { getObjectBytes } from '../storage/objects';
import { mapLabelsByName } from './map-labels-by-name';
import type { TReferenceMetrics } from './reference-metrics';

/**
 * Compares a succeeded run's serving mask (and its shadow mask, if any) with every ready reference
 * of its series (or the one given): Dice, HD95 and volume difference per label mapped by name. One
 * row per (run, reference, model version);
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
  // the serving mask, and the shadow's where the run had one (for the shadow's gate; never shown to researchers)
  const masks: { versionId: string; task: string; spec: unknown }[] = [{ versionId: run.modelVersionId, task: SERVING_INFER_TASK, spec: params.serving.spec }];
  if (params.shadow) masks.push({ versionId: params.shadow.versionId, task: SHADOW_INFER_TASK, spec: params.shadow.spec });
  const steps = await db
    .select()
    .from(runSteps)
    .where(
      and(
        eq(runSteps.runId, run.id),
        inArray(
          runSteps.name,
          masks.map((m) => m.task),
        ),
        eq(runSteps.status, 'succeeded'),
      ),
    );
  const labelmaps = new Map<string, Volume>();
  const referenceLabelmap = async (key: string) => {
    const known = labelmaps.get(key);
    if (known) return known;
    const v = readNifti(await getObjectBytes({ key }), 'reference labelmap');
    labelmaps.set(key, v);
    return v;
  };
  let written = 0;
  for (const m of masks) {
    const step = steps.find((s) => s.name === m.task);
    const maskRef = step ? stepOutput(parseStepOutputs(step), 'infer', 'mask') : undefined;
    if (!maskRef) continue;
    const mask = readNifti(await getObjectBytes({ key: maskRef.key, versionId: maskRef.versionId }), `${m.task} mask`) as Volume<Uint8Array>;
    const modelLabels = parseModelSpec(m.spec, `${m.task} model spec`).labels;
    for (const ref of refs) {
      const mapping = mapLabelsByName(ref.labels, modelLabels);
      if (mapping.compared.length === 0) continue;
      const raw = await referenceLabelmap(ref.labelmapKey!);
      const remapped = new Uint8Array(raw.data.length);
      for (let i = 0; i < raw.data.length; i++) remapped[i] = mapping.remap[Number(raw.data[i])];
      const comparison = compareLabelmaps({ ...raw, data: remapped }, mask, mapping.compared);
      const metrics: TReferenceMetrics = { ...comparison, unmatched: mapping.unmatched };
      const rows = await db
        .insert(referenceComparisons)
        .values({ projectId: run.projectId, runId: run.id, referenceId: ref.id, modelVersionId: m.versionId, metrics, meanDice: comparison.meanDice })
        .onConflictDoNothing()
        .returning({ id: referenceComparisons.id });
      written += rows.length;
    }
  }
  return written;
}
