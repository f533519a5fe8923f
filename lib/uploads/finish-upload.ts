import { and, eq, inArray } from 'drizzle-orm';
import { uploadFiles, uploads, type Upload } from '@/db/schema';
import type { Tx } from '../db';
import { abortUploadFile } from './abort-upload-file';
import { getStudySummary } from './get-study-summary';
import type { StudySummary } from './schemas';

/**
 * Closes an upload once the client has finished with it: files never sent are cancelled (and their
 * parts released by the sweeper or here), and the study summary is returned.
 */
export async function finishUpload(tx: Tx, p: { upload: Upload }): Promise<StudySummary & { upload: string; status: string }> {
  const open = await tx
    .select()
    .from(uploadFiles)
    .where(and(eq(uploadFiles.uploadId, p.upload.id), inArray(uploadFiles.status, ['pending', 'uploading', 'uploaded'])));
  for (const f of open) await abortUploadFile(tx, { file: f, reason: `${f.fileName}: not sent before the upload was finished` });
  const status = p.upload.status === 'open' ? 'completed' : p.upload.status;
  // an aborted or failed upload keeps its state
  await tx
    .update(uploads)
    .set({ status: 'completed', completedAt: new Date() })
    .where(and(eq(uploads.id, p.upload.id), eq(uploads.status, 'open')));
  const summary = await getStudySummary(tx, { studyId: p.upload.studyId, projectId: p.upload.projectId, uploadId: p.upload.id });
  return { upload: p.upload.id, status, ...summary };
}
