import { S3Client } from '@aws-sdk/client-s3';
import { AppError } from '../errors';
import { s3Settings, type S3Settings } from '../config';

/** The one S3 client factory. Every object segflow writes goes to the single bucket (ADR-02). */
let cached: { key: string; client: S3Client; settings: S3Settings } | null = null;

export function getStorage(): { client: S3Client; settings: S3Settings } {
  const settings = s3Settings();
  if (!settings) throw new AppError('unavailable', 'no object store: set S3_ENDPOINT/S3_BUCKET or run `npm start` (embedded S3)');
  const key = JSON.stringify(settings);
  if (cached?.key === key) return cached;
  const client = new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    credentials:
      settings.accessKeyId && settings.secretAccessKey ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } : undefined,
    // Without these the SDK signs a checksum of an empty body into presigned PUT URLs.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  cached = { key, client, settings };
  return cached;
}

/** SSE-KMS parameters for every write, when a KMS key is configured. */
export function sseParams(settings: S3Settings): { ServerSideEncryption?: 'aws:kms'; SSEKMSKeyId?: string } {
  return settings.kmsKeyId ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: settings.kmsKeyId } : {};
}
