import { dicomInstances } from '@/db/schema';
import type { DbOrTx } from '../db';
import type { TDicomIndexFacts } from './index-facts';

export interface IndexedObject {
  key: string;
  versionId: string | null;
  sha256: string;
  size: number;
}

/**
 * Records written DICOM objects in the DICOMweb index. Same project and SOP Instance UID → the row
 * already there stays (a re-run of a series writes the same de-identified UIDs and bytes).
 */
export async function indexDicomInstances(
  db: DbOrTx,
  p: {
    projectId: string;
    studyId: string;
    runId: string | null;
    source: 'deidentified' | 'run_seg' | 'stored';
    storedBy?: string;
    items: { object: IndexedObject; facts: TDicomIndexFacts }[];
  },
): Promise<number> {
  if (!p.items.length) return 0;
  const rows = await db
    .insert(dicomInstances)
    .values(
      p.items.map(({ object: o, facts: f }) => ({
        projectId: p.projectId,
        studyId: p.studyId,
        runId: p.runId,
        source: p.source,
        storedBy: p.storedBy,
        key: o.key,
        versionId: o.versionId,
        sha256: o.sha256,
        size: o.size,
        studyInstanceUid: f.studyInstanceUid,
        seriesInstanceUid: f.seriesInstanceUid,
        sopInstanceUid: f.sopInstanceUid,
        sopClassUid: f.sopClassUid,
        transferSyntaxUid: f.transferSyntaxUid,
        modality: f.modality,
        seriesNumber: f.seriesNumber,
        seriesDescription: f.seriesDescription,
        instanceNumber: f.instanceNumber,
        patientId: f.patientId,
        studyDate: f.studyDate,
        rows: f.rows,
        columns: f.columns,
        numberOfFrames: f.numberOfFrames,
      })),
    )
    .onConflictDoNothing()
    .returning({ id: dicomInstances.id });
  return rows.length;
}

/** Pairs a step's outputs with the index facts it reported for them (by output name). */
export function pairFacts(
  outputs: readonly (IndexedObject & { name: string })[],
  facts: readonly TDicomIndexFacts[],
): { object: IndexedObject; facts: TDicomIndexFacts }[] {
  const byName = new Map(outputs.map((o) => [o.name, o]));
  return facts.flatMap((f) => {
    const o = byName.get(f.name);
    return o ? [{ object: o, facts: f }] : [];
  });
}
