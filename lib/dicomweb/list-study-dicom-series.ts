import { and, asc, count, eq, min, sql } from 'drizzle-orm';
import { dicomInstances } from '@/db/schema';
import type { DbOrTx } from '../db';

export interface StudyDicomSeries {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  modality: string | null;
  description: string | null;
  instances: number;
  source: 'deidentified' | 'run_seg' | 'stored';
  addedAt: string;
}

/** What a study serves over DICOMweb, one row per series (the de-identified images, SEGs of runs and stored ones). */
export async function listStudyDicomSeries(db: DbOrTx, p: { projectId: string; studyId: string }): Promise<StudyDicomSeries[]> {
  const d = dicomInstances;
  const rows = await db
    .select({
      studyInstanceUid: d.studyInstanceUid,
      seriesInstanceUid: d.seriesInstanceUid,
      modality: min(d.modality),
      description: min(d.seriesDescription),
      instances: count(),
      source: sql<StudyDicomSeries['source']>`min(${d.source}::text)`,
      addedAt: min(d.createdAt),
    })
    .from(d)
    .where(and(eq(d.projectId, p.projectId), eq(d.studyId, p.studyId)))
    .groupBy(d.studyInstanceUid, d.seriesInstanceUid)
    .orderBy(asc(min(d.createdAt)));
  return rows.map((r) => ({ ...r, addedAt: new Date(r.addedAt ?? 0).toISOString() }));
}
