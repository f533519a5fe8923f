import { CompleteMultipartUploadCommand, DeleteObjectCommand } from '@aws-sdk/client-s3';
import { and, eq, inArray } from 'drizzle-orm';
import { uploadFiles, type Upload, type UploadFile } from '@/db/schema';
import type { Tx } from '../db';
import { AppError, isAppError } from '../errors';
import { getStorage } from '../storage/s3-client';
import { acceptReference } from '../references/accept-reference';
import { referenceOfUpload } from '../references/reference-of-upload';
import { indexStoredObject } from './index-stored-object';
import { listFileParts } from './list-file-parts';
import { readStoredObject, type StoredObjectRead } from './read-stored-object';
import { headObject } from '../storage/objects';
import { fileDto } from './load-upload';
import { emitUploadRejected } from './upload-rejected-event';
import { partLayout, partLength } from './limits';
import type { TCompletedPart, UploadFileDto } from './schemas';

type Part = { partNumber: number; etag: string; size?: number; checksumCrc32?: string };

/**
 * The part list to assemble: the store's own (ListParts) where it has one, checked against the
 * layout (every part present, each of its exact size); the client's list where the store cannot
 * list parts. A missing part is a conflict, not a rejection: the client can still send it.
 */
async function partsToComplete(file: UploadFile, claimed: TCompletedPart[] | undefined): Promise<Part[]> {
  const layout = partLayout(file.size);
  const listed = await listFileParts(file);
  const parts: Part[] = listed.supported ? listed.parts : (claimed ?? []);
  const byNumber = new Map(parts.map((x) => [x.partNumber, x]));
  const missing: number[] = [];
  for (let n = 1; n <= layout.partCount; n++) if (!byNumber.has(n)) missing.push(n);
  if (missing.length) {
    throw new AppError(
      'conflict',
      `${file.fileName}: part${missing.length > 1 ? 's' : ''} ${missing.slice(0, 10).join(', ')} of ${layout.partCount} not uploaded yet`,
      { missing },
    );
  }
  const extra = parts.filter((x) => x.partNumber > layout.partCount);
  if (extra.length) throw new AppError('invalid_input', `${file.fileName}: has ${layout.partCount} parts, not ${extra[0].partNumber}`);
  for (const part of parts) {
    const want = partLength(file.size, layout, part.partNumber);
    if (part.size !== undefined && part.size !== want) {
      throw new AppError('too_large', `${file.fileName}: part ${part.partNumber} is ${part.size} bytes, expected ${want}`);
    }
  }
  return [...byNumber.values()].sort((a, b) => a.partNumber - b.partNumber);
}

const OPEN_STATES = ['pending', 'uploading', 'uploaded'] as const;

/** Rejects the file and deletes the bytes that were read back (that version, on a versioned bucket). */
async function reject(tx: Tx, upload: Upload, file: UploadFile, reason: string, versionId?: string | null): Promise<UploadFileDto> {
  const [row] = await tx
    .update(uploadFiles)
    .set({ status: 'rejected', error: reason, updatedAt: new Date() })
    .where(and(eq(uploadFiles.id, file.id), inArray(uploadFiles.status, [...OPEN_STATES])))
    .returning();
  if (!row) throw new AppError('conflict', `${file.fileName} was completed by another request`);
  await emitUploadRejected(tx, { upload, file: row, reason });
  const { client, settings } = getStorage();
  await client.send(new DeleteObjectCommand({ Bucket: settings.bucket, Key: file.key, VersionId: versionId ?? undefined })).catch(() => {});
  return fileDto(row);
}

/**
 * Finishes one file: assembles its parts, then checks the stored bytes against what the client
 * declared (size and SHA-256, computed by reading the object back), parses the header and indexes
 * it. A failed check rejects this file with a reason and deletes its object; other files are
 * untouched. Returns the file with its final status.
 */
export async function completeUploadFile(
  tx: Tx,
  p: { upload: Upload; file: UploadFile; parts?: TCompletedPart[]; read?: Promise<StoredObjectRead> },
): Promise<UploadFileDto> {
  const { upload, file } = p;
  if (file.status === 'verified' || file.status === 'rejected') return fileDto(file);
  if (file.status === 'aborted') throw new AppError('conflict', `${file.fileName} was cancelled`);
  const { client, settings } = getStorage();

  if (file.multipartId) {
    const parts = await partsToComplete(file, p.parts);
    try {
      await client.send(
        new CompleteMultipartUploadCommand({
          Bucket: settings.bucket,
          Key: file.key,
          UploadId: file.multipartId,
          MultipartUpload: { Parts: parts.map((x) => ({ PartNumber: x.partNumber, ETag: x.etag, ChecksumCRC32: x.checksumCrc32 })) },
        }),
      );
    } catch (err) {
      const code = (err as { name?: string }).name ?? 'error';
      // assembled by an earlier attempt whose transaction did not commit: check what is there
      if (code === 'NoSuchUpload' && (await headObject(file.key))) return checkAndIndex(tx, upload, file);
      throw new AppError('conflict', `${file.fileName}: the store could not assemble the parts (${code}); send the missing parts again`);
    }
  }

  return checkAndIndex(tx, upload, file, p.read);
}

/** `preread`: the read-back of a single-PUT object already under way (a batch reads its files side by side) */
async function checkAndIndex(tx: Tx, upload: Upload, file: UploadFile, preread?: Promise<StoredObjectRead>): Promise<UploadFileDto> {
  let read: StoredObjectRead;
  try {
    read = await (preread ?? readStoredObject({ key: file.key }));
  } catch (err) {
    if ((err as { name?: string }).name === 'NoSuchKey') throw new AppError('conflict', `${file.fileName}: nothing was uploaded yet`);
    throw err;
  }
  if (read.size !== file.size) return reject(tx, upload, file, `${file.fileName}: ${read.size} bytes arrived, ${file.size} were declared`, read.versionId);
  if (read.sha256 !== file.sha256)
    return reject(tx, upload, file, `${file.fileName}: SHA-256 of the stored bytes does not match the declared checksum`, read.versionId);

  try {
    // an upload opened for a reference segmentation: checked against its series, not a series itself
    const reference = await referenceOfUpload(tx, upload.id);
    const stored = { fileName: file.fileName, key: file.key, versionId: read.versionId, size: read.size, sha256: read.sha256, head: read.head };
    const indexed = await tx.transaction((sp) =>
      reference ? acceptReference(sp, { reference, ...stored }) : indexStoredObject(sp, { projectId: upload.projectId, studyId: upload.studyId, ...stored }),
    );
    const [row] = await tx
      .update(uploadFiles)
      .set({ status: 'verified', error: null, objectId: indexed.objectId, updatedAt: new Date() })
      .where(and(eq(uploadFiles.id, file.id), inArray(uploadFiles.status, [...OPEN_STATES])))
      .returning();
    if (!row) throw new AppError('conflict', `${file.fileName} was completed by another request`);
    return fileDto(row);
  } catch (err) {
    // A bad header rejects the file; anything else (the database, the store) fails this request
    // and keeps the bytes, so the client can complete again.
    if (isAppError(err) && err.code !== 'conflict')
      return reject(tx, upload, file, err.message.startsWith(file.fileName) ? err.message : `${file.fileName}: ${err.message}`, read.versionId);
    throw err;
  }
}
