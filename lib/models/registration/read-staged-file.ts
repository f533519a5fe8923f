import { DeleteObjectCommand, GetObjectCommand, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import type { StagedFile } from '@/db/schema';
import { getStorage } from '@/lib/storage/s3-client';

export type StagedRead = { bytes: Uint8Array; versionId: string | null; problem: string | null } | null;

/**
 * A staged file's bytes as stored, checked against what the client declared (size, SHA-256): null
 * when nothing was sent yet; `problem` names the file and what differs.
 */
export async function readStagedFile(f: StagedFile): Promise<StagedRead> {
  const { client, settings } = getStorage();
  let res: GetObjectCommandOutput;
  try {
    res = await client.send(new GetObjectCommand({ Bucket: settings.bucket, Key: f.key }));
  } catch (err) {
    if ((err as { name?: string }).name === 'NoSuchKey' || (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return null;
    throw err;
  }
  if (!res.Body) throw new Error(`no body for ${f.key}`);
  const bytes = await res.Body.transformToByteArray();
  const versionId = res.VersionId ?? null;
  if (bytes.byteLength !== f.size) return { bytes, versionId, problem: `${f.name}: ${bytes.byteLength} bytes arrived, ${f.size} were declared` };
  if (createHash('sha256').update(bytes).digest('hex') !== f.sha256)
    return { bytes, versionId, problem: `${f.name}: SHA-256 of the stored bytes does not match the declared checksum` };
  return { bytes, versionId, problem: null };
}

/** Deletes a staged object: the version that was read where there is one (a versioned bucket keeps nothing of it), else the key. */
export async function deleteStagedObject(p: { key: string; versionId?: string | null }): Promise<void> {
  const { client, settings } = getStorage();
  await client.send(new DeleteObjectCommand({ Bucket: settings.bucket, Key: p.key, VersionId: p.versionId ?? undefined }));
}
