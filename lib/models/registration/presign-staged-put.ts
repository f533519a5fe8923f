import { PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { HEADER_BOUND } from '@/lib/uploads/presign-file-part';
import { urlTtlSeconds } from '@/lib/uploads/url-ttl';
import { getStorage, sseParams } from '@/lib/storage/s3-client';
import type { StagedFileDto } from './schemas';

/**
 * One presigned PUT of a staged registration file: scoped to its server-made key, signed with the
 * exact Content-Length and the declared SHA-256 (the store refuses other bytes), SSE-KMS when
 * configured, at most 15 minutes. Model files go in one request (the limits keep them below S3's 5 GiB).
 */
export async function presignStagedPut(p: { key: string; size: number; sha256: string }): Promise<StagedFileDto['upload']> {
  const { client, settings } = getStorage();
  const expiresIn = urlTtlSeconds();
  const sse = sseParams(settings);
  const checksum = Buffer.from(p.sha256, 'hex').toString('base64');
  const headers: Record<string, string> = {
    'content-type': 'application/octet-stream',
    'x-amz-checksum-sha256': checksum,
    ...(sse.ServerSideEncryption ? { 'x-amz-server-side-encryption': sse.ServerSideEncryption } : {}),
    ...(sse.SSEKMSKeyId ? { 'x-amz-server-side-encryption-aws-kms-key-id': sse.SSEKMSKeyId } : {}),
  };
  const url = await getSignedUrl(
    client,
    new PutObjectCommand({
      Bucket: settings.bucket,
      Key: p.key,
      ContentLength: p.size,
      ContentType: 'application/octet-stream',
      ChecksumSHA256: checksum,
      ...sse,
    }),
    { expiresIn, unhoistableHeaders: HEADER_BOUND, signableHeaders: HEADER_BOUND },
  );
  return { url, method: 'PUT', headers, expiresAt: new Date(Date.now() + expiresIn * 1000).toISOString() };
}
