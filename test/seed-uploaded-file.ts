import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { series, uploadFiles } from '../db/schema';
import type { Db } from '../lib/db';
import { completeUploadFile } from '../lib/uploads/complete-upload-file';
import { createUpload } from '../lib/uploads/create-upload';
import { loadUploadFile } from '../lib/uploads/load-upload';
import { presignFilePart } from '../lib/uploads/presign-file-part';
import { registerUploadFile } from '../lib/uploads/register-upload-file';
import { makeNifti } from '../lib/uploads/test/make-nifti';
import type { TestProject } from './test-project';

/**
 * Target rows for the endpoints that act on uploaded bytes: a small real NIfTI volume registered in
 * a new upload, sent to the store through its presigned URL (as the browser does), and — unless
 * `complete` is false — checked and indexed, which makes its study's series. Random voxels: no two
 * alike, so each has its own run key.
 */
export interface SeededFile {
  upload: string;
  file: string;
  studyId: string;
  /** the volume's series, once completed */
  seriesId: string | null;
}

export async function seedUploadedFile(db: Db, project: TestProject, opts: { complete?: boolean } = {}): Promise<SeededFile> {
  const bytes = makeNifti([8, 8, 4]);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const up = await db.transaction((tx) => createUpload(tx, { projectId: project.id, userId: project.users.researcher.id }));
  const dto = await db.transaction((tx) =>
    registerUploadFile(tx, { projectId: project.id, uploadId: up.uploadId, name: 'volume.nii', size: bytes.length, sha256 }),
  );
  const [file] = await db.select().from(uploadFiles).where(eq(uploadFiles.id, dto.id));
  const signed = await presignFilePart({ file, caller: { role: 'researcher', projectId: project.id } });
  const put = await fetch(signed.url, { method: 'PUT', headers: signed.headers, body: new Blob([bytes as Uint8Array<ArrayBuffer>]) });
  if (!put.ok) throw new Error(`seed upload PUT answered ${put.status}: ${await put.text()}`);
  if (opts.complete === false) return { upload: up.uploadId, file: file.id, studyId: up.studyId, seriesId: null };
  await db.transaction(async (tx) => {
    const { upload, file: row } = await loadUploadFile(tx, { uploadId: up.uploadId, fileId: file.id, projectId: project.id, forUpdate: true });
    const out = await completeUploadFile(tx, { upload, file: row });
    if (out.status !== 'verified') throw new Error(`seed file not verified: ${out.status} ${out.error ?? ''}`);
  });
  const [s] = await db
    .select({ id: series.id })
    .from(series)
    .where(and(eq(series.studyId, up.studyId), eq(series.projectId, project.id)));
  return { upload: up.uploadId, file: file.id, studyId: up.studyId, seriesId: s?.id ?? null };
}
