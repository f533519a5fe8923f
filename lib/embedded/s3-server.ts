import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The embedded default object store: s3rver (S3 protocol, on disk). It does not keep object versions,
 * so version ids are null on this store; production buckets have versioning on (ADR-02).
 */
const require = createRequire(import.meta.url);
// s3rver is CommonJS without types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as new (opts: Record<string, unknown>) => {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
};

export const EMBEDDED_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface EmbeddedS3 {
  endpoint: string;
  bucket: string;
  close(): Promise<void>;
}

/** CORS for direct browser uploads: PUT parts and read ETag (needed to complete a multipart upload). */
export function corsXml(origins: string[]): string {
  const allowed = origins.map((o) => `<AllowedOrigin>${o}</AllowedOrigin>`).join('');
  return `<CORSConfiguration><CORSRule>${allowed}<AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule></CORSConfiguration>`;
}

export async function startEmbeddedS3(opts: {
  dir: string;
  port: number;
  bucket: string;
  corsOrigins: string[];
}): Promise<EmbeddedS3> {
  mkdirSync(opts.dir, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: opts.port,
    directory: opts.dir,
    silent: true,
    configureBuckets: [{ name: opts.bucket, configs: [corsXml(opts.corsOrigins)] }],
  });
  const { port } = await server.run();
  return { endpoint: `http://127.0.0.1:${port}`, bucket: opts.bucket, close: () => server.close() };
}
