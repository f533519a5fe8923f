import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { getStorage, sseParams } from './s3-client';

export interface PutResult {
  key: string;
  versionId: string | null;
  sha256: string;
  size: number;
}

/** Writes one object with SSE-KMS when configured; returns what the manifest records. */
export async function putObject(p: { key: string; body: Uint8Array; contentType?: string }): Promise<PutResult> {
  const { client, settings } = getStorage();
  const sha256 = createHash('sha256').update(p.body).digest('hex');
  const res = await client.send(
    new PutObjectCommand({
      Bucket: settings.bucket,
      Key: p.key,
      Body: p.body,
      ContentType: p.contentType ?? 'application/octet-stream',
      Metadata: { sha256 },
      ...sseParams(settings),
    }),
  );
  return { key: p.key, versionId: res.VersionId ?? null, sha256, size: p.body.byteLength };
}

export async function getObjectBytes(p: { key: string; versionId?: string | null; bucket?: { client: S3Client; bucket: string } }): Promise<Uint8Array> {
  const { client, bucket } = p.bucket ?? { client: getStorage().client, bucket: getStorage().settings.bucket };
  const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: p.key, VersionId: p.versionId ?? undefined }));
  if (!res.Body) throw new Error(`empty body for ${p.key}`);
  return res.Body.transformToByteArray();
}

export async function headObject(key: string): Promise<{ size: number; versionId: string | null } | null> {
  const { client, settings } = getStorage();
  try {
    const res = await client.send(new HeadObjectCommand({ Bucket: settings.bucket, Key: key }));
    return { size: res.ContentLength ?? 0, versionId: res.VersionId ?? null };
  } catch (err) {
    if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return null;
    throw err;
  }
}

/** The object's bytes as a web stream, as stored (for responses that pass them on unchanged). */
export async function getObjectStream(p: { key: string; versionId?: string | null }): Promise<ReadableStream<Uint8Array>> {
  const { client, settings } = getStorage();
  const res = await client.send(new GetObjectCommand({ Bucket: settings.bucket, Key: p.key, VersionId: p.versionId ?? undefined }));
  if (!res.Body) throw new Error(`empty body for ${p.key}`);
  return res.Body.transformToWebStream() as ReadableStream<Uint8Array>;
}
