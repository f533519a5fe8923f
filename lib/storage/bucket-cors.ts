/**
 * The one CORS rule of the bucket: browsers PUT files and parts with presigned URLs (and GET the
 * derived outputs they view), sending the signed headers below, and read ETag (needed to complete a
 * multipart upload). The embedded store is configured from it (lib/embedded/s3-server.ts) and
 * `deploy/s3/bucket-cors.json` is rendered from it for a real bucket (a test fails when stale).
 */
export const CORS_METHODS = ['PUT', 'GET', 'HEAD'] as const;
/** the headers presign-file-part.ts signs into upload URLs */
export const CORS_ALLOWED_HEADERS = [
  'content-type',
  'x-amz-checksum-crc32',
  'x-amz-checksum-sha256',
  'x-amz-server-side-encryption',
  'x-amz-server-side-encryption-aws-kms-key-id',
] as const;
export const CORS_EXPOSE_HEADERS = ['ETag', 'x-amz-checksum-crc32', 'x-amz-version-id'] as const;
const MAX_AGE_SECONDS = 3000;

/** S3's XML form (PutBucketCors body), as s3rver takes it */
export function corsXml(origins: string[]): string {
  const el = (tag: string, values: readonly string[]) => values.map((v) => `<${tag}>${v}</${tag}>`).join('');
  return `<CORSConfiguration><CORSRule>${el('AllowedOrigin', origins)}${el('AllowedMethod', CORS_METHODS)}${el('AllowedHeader', CORS_ALLOWED_HEADERS)}${el('ExposeHeader', CORS_EXPOSE_HEADERS)}<MaxAgeSeconds>${MAX_AGE_SECONDS}</MaxAgeSeconds></CORSRule></CORSConfiguration>`;
}

/** the JSON `aws s3api put-bucket-cors --cors-configuration file://…` takes */
export function corsJson(origins: string[]): string {
  const rule = {
    AllowedOrigins: origins,
    AllowedMethods: [...CORS_METHODS],
    AllowedHeaders: [...CORS_ALLOWED_HEADERS],
    ExposeHeaders: [...CORS_EXPOSE_HEADERS],
    MaxAgeSeconds: MAX_AGE_SECONDS,
  };
  return `${JSON.stringify({ CORSRules: [rule] }, null, 2)}\n`;
}

/** the origin placeholder of the deploy file: the app's public URL */
export const DEPLOY_ORIGIN = 'https://segflow.example.org';
