import { CreateMultipartUploadCommand } from '@aws-sdk/client-s3';
import { and, eq, notInArray, sql } from 'drizzle-orm';
import { storedObjects, studies, uploadFiles, uploads } from '@/db/schema';
import type { Tx } from '../db';
import { AppError } from '../errors';
import { rawPhiKey } from '../storage/keys';
import { getStorage, sseParams } from '../storage/s3-client';
import { fileDto } from './load-upload';
import { MAX_FILE_BYTES, MiB, partLayout } from './limits';
import type { UploadFileDto } from './schemas';
import { emitUploadRejected } from './upload-rejected-event';

/** Why a declared file is refused before any byte is sent, or null when it may go. */
async function refusal(tx: Tx, p: { projectId: string; studyId: string; name: string; size: number; sha256: string }): Promise<string | null> {
  if (p.size === 0) return `${p.name}: the file is empty`;
  if (p.size > MAX_FILE_BYTES) return `${p.name}: ${(p.size / MiB).toFixed(0)} MiB is too large (the limit is ${MAX_FILE_BYTES / MiB} MiB)`;
  const [stored] = await tx
    .select({ id: storedObjects.id })
    .from(storedObjects)
    // uploaded files only: a run's output downloaded and attached as a reference is no duplicate of itself
    .where(
      and(eq(storedObjects.projectId, p.projectId), eq(storedObjects.studyId, p.studyId), eq(storedObjects.sha256, p.sha256), eq(storedObjects.class, 'phi')),
    )
    .limit(1);
  if (stored) return `${p.name}: duplicate of a file already in the study (same SHA-256)`;
  const [pending] = await tx
    .select({ name: uploadFiles.fileName })
    .from(uploadFiles)
    .innerJoin(uploads, eq(uploads.id, uploadFiles.uploadId))
    .where(and(eq(uploads.studyId, p.studyId), eq(uploadFiles.sha256, p.sha256), notInArray(uploadFiles.status, ['rejected', 'aborted'])))
    .limit(1);
  if (pending) return `${p.name}: duplicate of ${pending.name}, already in this upload or study (same SHA-256)`;
  return null;
}

/**
 * Declares one file of an upload (name, size, SHA-256). The server picks the key
 * raw-phi/<project>/<study>/<upload>/<n>; a large file gets an S3 multipart upload. A refused file
 * is recorded as rejected with its reason, so the upload goes on with the others.
 */
export async function registerUploadFile(
  tx: Tx,
  p: { projectId: string; uploadId: string; name: string; size: number; sha256: string },
): Promise<UploadFileDto> {
  // serialises index allocation within one upload
  const [upload] = await tx
    .select()
    .from(uploads)
    .where(and(eq(uploads.id, p.uploadId), eq(uploads.projectId, p.projectId)))
    .for('update');
  if (!upload) throw new AppError('not_found', `upload ${p.uploadId} not found`);
  if (upload.status !== 'open') throw new AppError('conflict', `upload ${p.uploadId} is ${upload.status}; start a new upload`);
  // uploads into the same study from two tabs: the study row serialises the duplicate check
  await tx.select({ id: studies.id }).from(studies).where(eq(studies.id, upload.studyId)).for('update');
  const [{ next }] = await tx
    .select({ next: sql<number>`coalesce(max(${uploadFiles.index}), -1)::int + 1` })
    .from(uploadFiles)
    .where(eq(uploadFiles.uploadId, upload.id));
  const key = rawPhiKey({ projectId: upload.projectId, studyId: upload.studyId, uploadId: upload.id, index: next });
  const reason = await refusal(tx, { projectId: upload.projectId, studyId: upload.studyId, name: p.name, size: p.size, sha256: p.sha256 });
  const layout = partLayout(p.size);
  let multipartId: string | null = null;
  if (!reason && layout.multipart) {
    const { client, settings } = getStorage();
    const res = await client.send(
      // ChecksumAlgorithm: each part carries its CRC32, which the store checks on UploadPart (the
      // whole file's SHA-256 is checked by this server on completion)
      new CreateMultipartUploadCommand({
        Bucket: settings.bucket,
        Key: key,
        ContentType: 'application/octet-stream',
        ChecksumAlgorithm: 'CRC32',
        ...sseParams(settings),
      }),
    );
    if (!res.UploadId) throw new Error(`store returned no multipart upload id for ${key}`);
    multipartId = res.UploadId;
  }
  const [row] = await tx
    .insert(uploadFiles)
    .values({
      uploadId: upload.id,
      index: next,
      fileName: p.name,
      size: p.size,
      sha256: p.sha256,
      key,
      multipartId,
      partSize: layout.multipart ? layout.partSize : null,
      status: reason ? 'rejected' : 'pending',
      error: reason,
    })
    .returning();
  if (reason) await emitUploadRejected(tx, { upload, file: row, reason });
  return fileDto(row);
}
