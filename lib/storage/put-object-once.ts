import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { getStorage, sseParams } from './s3-client';

/** A bucket to act on: the configured one unless a caller (a test, a verifier) names another. */
export interface BucketRef {
  client: S3Client;
  bucket: string;
}

export function configuredBucket(): BucketRef & { kmsParams: ReturnType<typeof sseParams> } {
  const { client, settings } = getStorage();
  return { client, bucket: settings.bucket, kmsParams: sseParams(settings) };
}

const status = (err: unknown) => (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

/**
 * Writes an object only when none exists under its key: `If-None-Match: *` (S3 and MinIO refuse
 * the write with 412 when one exists), and a HEAD first for stores that ignore that header (s3rver).
 * Returns false, writing nothing, when the key is taken. In production the bucket's Object Lock
 * (deploy/README.md) is what keeps the written object from being replaced or deleted later.
 */
export async function putObjectOnce(p: {
  key: string;
  body: Uint8Array;
  contentType?: string;
  bucket?: BucketRef;
}): Promise<{ written: boolean; versionId: string | null }> {
  const conf = configuredBucket();
  const { client, bucket } = p.bucket ?? conf;
  try {
    await client.send(new HeadObjectCommand({ Bucket: bucket, Key: p.key }));
    return { written: false, versionId: null };
  } catch (err) {
    if (status(err) !== 404) throw err;
  }
  const sha256 = createHash('sha256').update(p.body).digest('hex');
  try {
    const res = await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: p.key,
        Body: p.body,
        IfNoneMatch: '*',
        ContentType: p.contentType ?? 'application/octet-stream',
        Metadata: { sha256 },
        ...(p.bucket ? {} : conf.kmsParams),
      }),
    );
    return { written: true, versionId: res.VersionId ?? null };
  } catch (err) {
    if (status(err) === 412 || status(err) === 409) return { written: false, versionId: null };
    throw err;
  }
}
