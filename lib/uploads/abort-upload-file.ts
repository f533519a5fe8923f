import { AbortMultipartUploadCommand, DeleteObjectCommand } from '@aws-sdk/client-s3';
import { eq } from 'drizzle-orm';
import { uploadFiles, type UploadFile } from '@/db/schema';
import type { DbOrTx } from '../db';
import { getStorage } from '../storage/s3-client';
import { fileDto } from './load-upload';
import type { UploadFileDto } from './schemas';

/** Store errors that mean "nothing to abort": already gone, or a store without the operation. */
function ignorable(err: unknown): boolean {
  const name = (err as { name?: string }).name ?? '';
  return ['NoSuchUpload', 'NoSuchKey', 'MethodNotAllowed', 'NotImplemented'].includes(name);
}

/** Frees what the store holds for an unfinished file (its multipart parts or a partial object). */
export async function releaseStoredParts(file: Pick<UploadFile, 'key' | 'multipartId'>): Promise<void> {
  const { client, settings } = getStorage();
  try {
    if (file.multipartId) {
      await client.send(new AbortMultipartUploadCommand({ Bucket: settings.bucket, Key: file.key, UploadId: file.multipartId }));
    } else {
      await client.send(new DeleteObjectCommand({ Bucket: settings.bucket, Key: file.key }));
    }
  } catch (err) {
    if (!ignorable(err)) throw err;
  }
}

/** Cancels one unfinished file of an upload. A verified or rejected file stays as it is. */
export async function abortUploadFile(db: DbOrTx, p: { file: UploadFile; reason: string }): Promise<UploadFileDto> {
  if (p.file.status === 'verified' || p.file.status === 'rejected' || p.file.status === 'aborted') return fileDto(p.file);
  await releaseStoredParts(p.file);
  const [row] = await db
    .update(uploadFiles)
    .set({ status: 'aborted', error: p.reason, updatedAt: new Date() })
    .where(eq(uploadFiles.id, p.file.id))
    .returning();
  return fileDto(row);
}
