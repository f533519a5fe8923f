import { PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import type { Role } from '../auth/permissions';
import { assertKeyAccess } from '../storage/assert-key-access';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { UploadFile } from '@/db/schema';
import { AppError } from '../errors';
import { getStorage, sseParams } from '../storage/s3-client';
import { partLayout, partLength } from './limits';
import { urlTtlSeconds } from './url-ttl';
import type { SignedPart } from './schemas';

// Sent as headers (not hoisted into the query) so the store checks them against the body.
export const HEADER_BOUND = new Set([
  'content-type',
  'x-amz-checksum-sha256',
  'x-amz-checksum-crc32',
  'x-amz-server-side-encryption',
  'x-amz-server-side-encryption-aws-kms-key-id',
]);

function hexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

/**
 * A presigned URL for one file (single PUT) or one part of it. The URL is scoped to the file's
 * server-made key (and the part number), signs the exact Content-Length (a longer body is refused by
 * the store), the checksum the store checks the bytes against (a single PUT: the whole file's
 * SHA-256; a part: the CRC32 the client sent for it) and SSE-KMS when configured, and lives at most
 * 15 minutes.
 */
export async function presignFilePart(p: {
  file: UploadFile;
  partNumber?: number;
  partCrc32?: string;
  caller: { role: Role | null; projectId: string };
}): Promise<SignedPart> {
  const { file } = p;
  // the same prefix rules that generate deploy/iam/ (reviewers never get a raw-phi/ URL)
  assertKeyAccess({ ...p.caller, action: 'put', key: file.key });
  if (file.status !== 'pending' && file.status !== 'uploading') {
    throw new AppError('conflict', `${file.fileName} is ${file.status}${file.error ? `: ${file.error}` : ''}; nothing more to send`);
  }
  const { client, settings } = getStorage();
  const expiresIn = urlTtlSeconds();
  const layout = partLayout(file.size);
  let url: string;
  let headers: Record<string, string>;
  let contentLength: number;
  if (!file.multipartId) {
    if (p.partNumber !== undefined && p.partNumber !== 1)
      throw new AppError('invalid_input', `${file.fileName} is sent in one request: there is no part ${p.partNumber}`);
    contentLength = file.size;
    const sse = sseParams(settings);
    headers = {
      'content-type': 'application/octet-stream',
      'x-amz-checksum-sha256': hexToBase64(file.sha256),
      ...(sse.ServerSideEncryption ? { 'x-amz-server-side-encryption': sse.ServerSideEncryption } : {}),
      ...(sse.SSEKMSKeyId ? { 'x-amz-server-side-encryption-aws-kms-key-id': sse.SSEKMSKeyId } : {}),
    };
    url = await getSignedUrl(
      client,
      new PutObjectCommand({
        Bucket: settings.bucket,
        Key: file.key,
        ContentLength: contentLength,
        ContentType: 'application/octet-stream',
        ChecksumSHA256: headers['x-amz-checksum-sha256'],
        ...sse,
      }),
      { expiresIn, unhoistableHeaders: HEADER_BOUND, signableHeaders: HEADER_BOUND },
    );
  } else {
    const n = p.partNumber;
    if (n === undefined || n > layout.partCount) {
      throw new AppError('invalid_input', `${file.fileName} has parts 1 to ${layout.partCount}; ask for one of them`);
    }
    contentLength = partLength(file.size, layout, n);
    // The SDK signs content-type into UploadPart URLs, so the client must send exactly this one.
    headers = { 'content-type': 'application/octet-stream', ...(p.partCrc32 ? { 'x-amz-checksum-crc32': p.partCrc32 } : {}) };
    url = await getSignedUrl(
      client,
      new UploadPartCommand({
        Bucket: settings.bucket,
        Key: file.key,
        UploadId: file.multipartId,
        PartNumber: n,
        ContentLength: contentLength,
        ChecksumCRC32: p.partCrc32,
      }),
      { expiresIn, unhoistableHeaders: HEADER_BOUND, signableHeaders: HEADER_BOUND },
    );
  }
  return {
    url,
    method: 'PUT',
    headers,
    partNumber: file.multipartId ? (p.partNumber ?? null) : null,
    contentLength,
    expiresAt: new Date(Date.now() + expiresIn * 1000).toISOString(),
  };
}
