import { and, asc, eq } from 'drizzle-orm';
import { studyReferences, uploadFiles } from '@/db/schema';
import type { DbOrTx } from '../db';
import type { ReferenceDto, ReferenceStatus } from './schemas';

/** A study's references, oldest first: ready once checked, rejected with the file's reason, else pending. */
export async function listStudyReferences(db: DbOrTx, p: { studyId: string; projectId: string }): Promise<ReferenceDto[]> {
  const rows = await db
    .select({ ref: studyReferences, fileName: uploadFiles.fileName, fileStatus: uploadFiles.status, error: uploadFiles.error })
    .from(studyReferences)
    .leftJoin(uploadFiles, eq(uploadFiles.uploadId, studyReferences.uploadId))
    .where(and(eq(studyReferences.studyId, p.studyId), eq(studyReferences.projectId, p.projectId)))
    .orderBy(asc(studyReferences.createdAt), asc(uploadFiles.index));
  const out = new Map<string, ReferenceDto>();
  for (const r of rows) {
    if (out.has(r.ref.id)) continue; // one file per reference upload: the first one counts
    const rejected = r.fileStatus === 'rejected' || r.fileStatus === 'aborted';
    const status: ReferenceStatus = r.ref.labelmapKey ? 'ready' : rejected ? 'rejected' : 'pending';
    out.set(r.ref.id, {
      id: r.ref.id,
      studyId: r.ref.studyId,
      seriesId: r.ref.seriesId,
      uploadId: r.ref.uploadId,
      status,
      fileName: r.fileName,
      error: rejected ? r.error : null,
      format: r.ref.format,
      labels: r.ref.labels,
      createdAt: r.ref.createdAt.toISOString(),
    });
  }
  return [...out.values()];
}
