import { and, asc, eq, inArray } from 'drizzle-orm';
import { series, studies, uploadFiles, uploads } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import type { StudySummary } from './schemas';

/** The study as the upload result shows it: DICOM series, NIfTI volumes, and the files refused. */
export async function getStudySummary(db: DbOrTx, p: { studyId: string; projectId: string; uploadId?: string }): Promise<StudySummary> {
  const [study] = await db
    .select({ id: studies.id, label: studies.label })
    .from(studies)
    .where(and(eq(studies.id, p.studyId), eq(studies.projectId, p.projectId)))
    .limit(1);
  if (!study) throw new AppError('not_found', `study ${p.studyId} not found`);
  const rows = await db.select().from(series).where(eq(series.studyId, study.id)).orderBy(asc(series.createdAt));
  const rejected = p.uploadId
    ? await db
        .select({ file: uploadFiles.fileName, reason: uploadFiles.error })
        .from(uploadFiles)
        .innerJoin(uploads, eq(uploads.id, uploadFiles.uploadId))
        .where(and(eq(uploadFiles.uploadId, p.uploadId), eq(uploads.studyId, study.id), inArray(uploadFiles.status, ['rejected', 'aborted'])))
        .orderBy(asc(uploadFiles.index))
    : [];
  return {
    study: study.id,
    label: study.label,
    series: rows
      .filter((s) => s.kind === 'dicom')
      .map((s) => ({
        id: s.id,
        modality: s.modality,
        description: s.description,
        instances: s.instances,
        rows: s.rows,
        columns: s.columns,
        spacing: s.spacing,
      })),
    volumes: rows
      .filter((s) => s.kind === 'nifti')
      .map((s) => ({ id: s.id, dims: s.dims ?? [], spacing: s.spacing, description: s.description, modality: s.modality, bodyPart: s.bodyPart })),
    rejected: rejected.map((r) => ({ file: r.file, reason: r.reason ?? 'rejected' })),
  };
}

/** The project a study belongs to, for the guard. */
export async function projectOfStudy(db: DbOrTx, studyId: string): Promise<string> {
  const [row] = await db.select({ projectId: studies.projectId }).from(studies).where(eq(studies.id, studyId)).limit(1);
  if (!row) throw new AppError('not_found', `study ${studyId} not found`);
  return row.projectId;
}
