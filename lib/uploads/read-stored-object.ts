import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { getStorage } from '../storage/s3-client';
import { MULTIPART_THRESHOLD } from './limits';

export interface StoredObjectRead {
  size: number;
  sha256: string;
  versionId: string | null;
  /** the first bytes (whole file up to the multipart threshold): enough for any header */
  head: Uint8Array;
}

/** Streams one stored object once: its true size and SHA-256, and its head for header parsing. */
export async function readStoredObject(p: { key: string; headBytes?: number }): Promise<StoredObjectRead> {
  const limit = p.headBytes ?? MULTIPART_THRESHOLD;
  const { client, settings } = getStorage();
  const res = await client.send(new GetObjectCommand({ Bucket: settings.bucket, Key: p.key }));
  if (!res.Body) throw new Error(`no body for ${p.key}`);
  const hash = createHash('sha256');
  const chunks: Uint8Array[] = [];
  let kept = 0;
  let size = 0;
  for await (const chunk of res.Body as AsyncIterable<Uint8Array>) {
    hash.update(chunk);
    size += chunk.byteLength;
    if (kept < limit) {
      const take = chunk.subarray(0, limit - kept);
      chunks.push(take);
      kept += take.byteLength;
    }
  }
  return { size, sha256: hash.digest('hex'), versionId: res.VersionId ?? null, head: Buffer.concat(chunks) };
}
