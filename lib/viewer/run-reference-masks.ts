import { and, asc, eq, isNotNull } from 'drizzle-orm';
import { runs, storedObjects, studyReferences } from '@/db/schema';
import { parseRunParams } from '@/db/schema/run-json';
import type { DbOrTx } from '../db';
import { mapLabelsByName } from '../references/map-labels-by-name';
import { labelTable } from './label-table';
import type { MaskObject } from './run-image-objects';
import type { ViewerLabel } from './schemas';

/** a reference label the model does not have: drawn in a colour no model label table here uses */
const UNMATCHED_COLOR: [number, number, number] = [255, 215, 0];

/**
 * The reference segmentations (ground truth) of a run's series, as masks the viewer can draw beside
 * or over the run's own: each reference's de-identified labelmap (derived/) with its labels named
 * and coloured as the model's label of the same name (lib/references matches them by name).
 */
export async function findRunReferenceMasks(db: DbOrTx, p: { runId: string; projectId: string }): Promise<MaskObject[]> {
  const [run] = await db
    .select()
    .from(runs)
    .where(and(eq(runs.id, p.runId), eq(runs.projectId, p.projectId)))
    .limit(1);
  if (!run) return [];
  const params = parseRunParams(run);
  const rows = await db
    .select({ ref: studyReferences, object: storedObjects })
    .from(studyReferences)
    .innerJoin(storedObjects, and(eq(storedObjects.key, studyReferences.labelmapKey), eq(storedObjects.class, 'derived')))
    .where(and(eq(studyReferences.seriesId, params.seriesId), eq(studyReferences.projectId, p.projectId), isNotNull(studyReferences.labelmapKey)))
    .orderBy(asc(studyReferences.createdAt));
  const modelLabels = labelTable(params.serving.spec);
  return rows.map(({ ref, object }, i) => {
    const { remap } = mapLabelsByName(ref.labels, modelLabels);
    const own = ref.labels.length > 0 ? ref.labels : modelLabels;
    const labels: ViewerLabel[] = own.map((l) => {
      const model = modelLabels.find((m) => m.value === remap[l.value]);
      return { value: l.value, name: l.name, color: model?.color ?? UNMATCHED_COLOR };
    });
    return {
      id: rows.length > 1 ? (`reference-${i + 1}` as const) : ('reference' as const),
      role: 'reference' as const,
      model: 'reference',
      version: ref.format ?? '',
      labels,
      ref: { key: object.key, versionId: object.versionId, sha256: object.sha256, size: object.size },
    };
  });
}
