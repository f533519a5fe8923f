import { CreateMultipartUploadCommand } from '@aws-sdk/client-s3';
import { and, asc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import { storedObjects, studies, uploadFiles, uploads, type Upload, type UploadFile } from '@/db/schema';
import type { Tx } from '../db';
import { AppError } from '../errors';
import { rawPhiKey } from '../storage/keys';
import { getStorage, sseParams } from '../storage/s3-client';
import { fileDto } from './load-upload';
import { MAX_FILE_BYTES, MiB, partLayout } from './limits';
import type { UploadFileDto } from './schemas';
import { emitUploadRejected } from './upload-rejected-event';

export interface DeclaredFile {
  name: string;
  size: number;
  sha256: string;
}

/**
 * Why each declared file is refused before any byte is sent (null: it may go), in the order given,
 * with the queries of the whole batch at once: empty, too large, a duplicate of a file already in the
 * study, of one still in flight to it, or of an earlier file of this same batch.
 */
async function refusals(tx: Tx, upload: Upload, files: DeclaredFile[]): Promise<(string | null)[]> {
  const shas = [...new Set(files.map((f) => f.sha256))];
  // uploaded files only: a run's output downloaded and attached as a reference is no duplicate of itself
  const stored = new Set(
    (
      await tx
        .select({ sha256: storedObjects.sha256 })
        .from(storedObjects)
        .where(
          and(
            eq(storedObjects.projectId, upload.projectId),
            eq(storedObjects.studyId, upload.studyId),
            inArray(storedObjects.sha256, shas),
            eq(storedObjects.class, 'phi'),
          ),
        )
    ).map((r) => r.sha256),
  );
  const pending = new Map<string, string>();
  for (const r of await tx
    .select({ sha256: uploadFiles.sha256, name: uploadFiles.fileName })
    .from(uploadFiles)
    .innerJoin(uploads, eq(uploads.id, uploadFiles.uploadId))
    .where(and(eq(uploads.studyId, upload.studyId), inArray(uploadFiles.sha256, shas), notInArray(uploadFiles.status, ['rejected', 'aborted'])))
    .orderBy(asc(uploadFiles.createdAt), asc(uploadFiles.index))) {
    if (!pending.has(r.sha256)) pending.set(r.sha256, r.name);
  }
  return files.map((f) => {
    if (f.size === 0) return `${f.name}: the file is empty`;
    if (f.size > MAX_FILE_BYTES) return `${f.name}: ${(f.size / MiB).toFixed(0)} MiB is too large (the limit is ${MAX_FILE_BYTES / MiB} MiB)`;
    if (stored.has(f.sha256)) return `${f.name}: duplicate of a file already in the study (same SHA-256)`;
    const earlier = pending.get(f.sha256);
    if (earlier !== undefined) return `${f.name}: duplicate of ${earlier}, already in this upload or study (same SHA-256)`;
    // accepted: a later file of this batch with the same bytes is its duplicate
    pending.set(f.sha256, f.name);
    return null;
  });
}

/**
 * Declares files of an upload (name, size, SHA-256), in the order given. The server picks each key
 * raw-phi/<project>/<study>/<upload>/<n>; a large file gets an S3 multipart upload. A refused file
 * is recorded as rejected with its reason, so the upload goes on with the others. One declaration
 * or a batch of them (the batch route), with the same rules and the same answers either way.
 */
export async function declareUploadFiles(tx: Tx, p: { projectId: string; uploadId: string; files: DeclaredFile[] }): Promise<UploadFile[]> {
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
  const reasons = await refusals(tx, upload, p.files);
  const values = [];
  for (const [i, f] of p.files.entries()) {
    const index = next + i;
    const key = rawPhiKey({ projectId: upload.projectId, studyId: upload.studyId, uploadId: upload.id, index });
    const layout = partLayout(f.size);
    const reason = reasons[i];
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
    values.push({
      uploadId: upload.id,
      index,
      fileName: f.name,
      size: f.size,
      sha256: f.sha256,
      key,
      multipartId,
      partSize: layout.multipart ? layout.partSize : null,
      status: reason ? ('rejected' as const) : ('pending' as const),
      error: reason,
    });
  }
  const rows = await tx.insert(uploadFiles).values(values).returning();
  rows.sort((a, b) => a.index - b.index);
  for (const row of rows) if (row.status === 'rejected') await emitUploadRejected(tx, { upload, file: row, reason: row.error! });
  return rows;
}

/** Declares one file of an upload: declareUploadFiles with one file. */
export async function registerUploadFile(tx: Tx, p: { projectId: string; uploadId: string } & DeclaredFile): Promise<UploadFileDto> {
  const [row] = await declareUploadFiles(tx, { projectId: p.projectId, uploadId: p.uploadId, files: [{ name: p.name, size: p.size, sha256: p.sha256 }] });
  return fileDto(row);
}
