import { and, asc, eq } from 'drizzle-orm';
import { uploadFiles, uploads, type Upload, type UploadFile } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import { partLayout } from './limits';
import type { UploadDto, UploadFileDto } from './schemas';

/** The project an upload belongs to: what the guard checks the caller's role against. */
export async function projectOfUpload(db: DbOrTx, uploadId: string): Promise<string> {
  const [row] = await db.select({ projectId: uploads.projectId }).from(uploads).where(eq(uploads.id, uploadId)).limit(1);
  if (!row) throw new AppError('not_found', `upload ${uploadId} not found`);
  return row.projectId;
}

export async function loadUpload(db: DbOrTx, p: { uploadId: string; projectId: string }): Promise<Upload> {
  const [row] = await db
    .select()
    .from(uploads)
    .where(and(eq(uploads.id, p.uploadId), eq(uploads.projectId, p.projectId)))
    .limit(1);
  if (!row) throw new AppError('not_found', `upload ${p.uploadId} not found`);
  return row;
}

/** One file of one upload: a file id from another upload answers "not found", never its key. */
export async function loadUploadFile(
  db: DbOrTx,
  p: { uploadId: string; fileId: string; projectId: string; forUpdate?: boolean },
): Promise<{ upload: Upload; file: UploadFile }> {
  const upload = await loadUpload(db, p);
  const query = db
    .select()
    .from(uploadFiles)
    .where(and(eq(uploadFiles.id, p.fileId), eq(uploadFiles.uploadId, p.uploadId)))
    .limit(1);
  // forUpdate: a completion holds the row, so a retried completion waits and then sees the outcome
  const [file] = p.forUpdate ? await query.for('update') : await query;
  if (!file) throw new AppError('not_found', `file ${p.fileId} is not part of upload ${p.uploadId}`);
  return { upload, file };
}

export function fileDto(f: UploadFile): UploadFileDto {
  const layout = partLayout(f.size);
  return {
    id: f.id,
    index: f.index,
    name: f.fileName,
    size: f.size,
    sha256: f.sha256,
    status: f.status,
    error: f.error,
    multipart: f.multipartId != null,
    partSize: f.partSize ?? layout.partSize,
    partCount: f.multipartId != null ? layout.partCount : 1,
  };
}

export async function getUploadDto(db: DbOrTx, p: { uploadId: string; projectId: string }): Promise<UploadDto> {
  const upload = await loadUpload(db, p);
  const files = await db.select().from(uploadFiles).where(eq(uploadFiles.uploadId, upload.id)).orderBy(asc(uploadFiles.index));
  return { id: upload.id, projectId: upload.projectId, studyId: upload.studyId, status: upload.status, files: files.map(fileDto) };
}
