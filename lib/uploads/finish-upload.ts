import { and, eq, inArray, ne } from 'drizzle-orm';
import { runs, series, studies, studyReferences, uploadFiles, uploads, type Upload } from '@/db/schema';
import type { Tx } from '../db';
import { abortUploadFile } from './abort-upload-file';
import { getStudySummary } from './get-study-summary';
import type { UploadResult } from './schemas';

/**
 * Closes an upload once the client has finished with it: files never sent are cancelled (and their
 * parts released by the sweeper or here), and the study summary is returned. A new study that
 * this upload opened and that ends with nothing in it (every file refused or never sent) is
 * removed, so the Studies list never shows an empty one; the summary then has `study: null` and
 * still lists every refusal.
 */
export async function finishUpload(tx: Tx, p: { upload: Upload }): Promise<UploadResult & { upload: string; status: string }> {
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
  // a reference whose file never reached the server (refused by the browser or the CLI before
  // sending) would wait for it forever: it goes; one refused here stays listed with the reason
  const [anyFile] = await tx.select({ id: uploadFiles.id }).from(uploadFiles).where(eq(uploadFiles.uploadId, p.upload.id)).limit(1);
  if (!anyFile) await tx.delete(studyReferences).where(eq(studyReferences.uploadId, p.upload.id));
  const summary = await getStudySummary(tx, { studyId: p.upload.studyId, projectId: p.upload.projectId, uploadId: p.upload.id });
  if (summary.series.length === 0 && summary.volumes.length === 0 && (await onlyThisUpload(tx, p.upload))) {
    // cascades to the upload and its file rows; the refusals are already in the summary
    await tx.delete(studies).where(eq(studies.id, p.upload.studyId));
    return { upload: p.upload.id, status, ...summary, study: null };
  }
  return { upload: p.upload.id, status, ...summary };
}

/** Whether the study holds nothing but this upload (no other upload, series or run), locked meanwhile. */
async function onlyThisUpload(tx: Tx, upload: Upload): Promise<boolean> {
  const [study] = await tx.select({ id: studies.id }).from(studies).where(eq(studies.id, upload.studyId)).for('update');
  if (!study) return false;
  const [other] = await tx
    .select({ id: uploads.id })
    .from(uploads)
    .where(and(eq(uploads.studyId, upload.studyId), ne(uploads.id, upload.id)))
    .limit(1);
  const [row] = await tx.select({ id: series.id }).from(series).where(eq(series.studyId, upload.studyId)).limit(1);
  const [run] = await tx.select({ id: runs.id }).from(runs).where(eq(runs.studyId, upload.studyId)).limit(1);
  return !other && !row && !run;
}
