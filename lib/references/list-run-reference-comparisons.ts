import { and, asc, eq } from 'drizzle-orm';
import { referenceComparisons, runs, studyReferences, uploadFiles } from '@/db/schema';
import type { DbOrTx } from '../db';
import { ZReferenceMetrics, type TReferenceMetrics } from './reference-metrics';

export interface RunReferenceComparison {
  referenceId: string;
  /** the reference's file name and format, to tell several apart */
  fileName: string | null;
  format: string | null;
  meanDice: number;
  metrics: TReferenceMetrics;
}

/** A run's serving mask against each reference of its series it was compared with (never the shadow's). */
export async function listRunReferenceComparisons(db: DbOrTx, p: { runId: string; projectId: string }): Promise<RunReferenceComparison[]> {
  const rows = await db
    .select({ c: referenceComparisons, format: studyReferences.format, fileName: uploadFiles.fileName })
    .from(referenceComparisons)
    .innerJoin(studyReferences, eq(studyReferences.id, referenceComparisons.referenceId))
    // the serving version's mask only: the shadow's comparison is for its gate, never shown here (ADR-03)
    .innerJoin(runs, and(eq(runs.id, referenceComparisons.runId), eq(runs.modelVersionId, referenceComparisons.modelVersionId)))
    .leftJoin(uploadFiles, and(eq(uploadFiles.uploadId, studyReferences.uploadId), eq(uploadFiles.status, 'verified')))
    .where(and(eq(referenceComparisons.runId, p.runId), eq(referenceComparisons.projectId, p.projectId)))
    .orderBy(asc(referenceComparisons.createdAt));
  return rows.map((r) => ({
    referenceId: r.c.referenceId,
    fileName: r.fileName,
    format: r.format,
    meanDice: r.c.meanDice,
    metrics: ZReferenceMetrics.parse(r.c.metrics),
  }));
}
