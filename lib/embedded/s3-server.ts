import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corsXml } from '../storage/bucket-cors';
import { ObjectVersions, type VersioningStatus } from './s3/object-versions';
import { storeGuard, type S3rverStoreLike } from './s3/store-guard';
import { writeBeforeAnswering, type WritingStore } from './s3/written-before-answered';

/**
 * The embedded default object store: s3rver (S3 protocol, on disk). Its bucket is created with
 * versioning Enabled, as production buckets are (ADR-02), so every write has a version id.
 *
 * s3rver does not check SigV4 signatures, signed Content-Length or checksums, lacks ListParts,
 * ListMultipartUploads and AbortMultipartUpload, and keeps no object versions. `storeGuard`
 * (lib/embedded/s3/) is put in front of its routes so this store refuses what S3 and MinIO refuse,
 * before anything is stored, and keeps versions (PutBucketVersioning, versionId reads, ListObjectVersions,
 * delete markers).
 */
const require = createRequire(import.meta.url);
// s3rver is CommonJS without types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as new (
  opts: Record<string, unknown>,
) => {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
  /** Koa's middleware list: [logger, XML encoder, mount interop, vhost, routes] */
  middleware: unknown[];
  store: S3rverStoreLike;
};

export const EMBEDDED_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface EmbeddedS3 {
  endpoint: string;
  bucket: string;
  close(): Promise<void>;
  /** resolves once no request is being handled (tests: a refused upload has finished its cleanup) */
  settled(): Promise<void>;
}

export async function startEmbeddedS3(opts: {
  dir: string;
  port: number;
  bucket: string;
  corsOrigins: string[];
  /** let unsigned requests through (default: refused with 403, as a private S3 bucket does) */
  allowAnonymous?: boolean;
  /** the bucket's versioning when it is created (default Enabled; an existing bucket keeps its own) */
  versioning?: VersioningStatus | 'off';
}): Promise<EmbeddedS3> {
  mkdirSync(opts.dir, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: opts.port,
    directory: opts.dir,
    silent: true,
    // path-style only: the endpoint is an address, and a host name must never be taken for a bucket
    vhostBuckets: false,
    configureBuckets: [{ name: opts.bucket, configs: [corsXml(opts.corsOrigins)] }],
  });
  // every PUT and part on disk before it is answered (s3rver answers as the last byte is hashed)
  writeBeforeAnswering(server.store as unknown as WritingStore);
  // after the logger, before everything else; Koa composes the list when the server starts listening
  server.middleware.splice(
    1,
    0,
    storeGuard({
      secrets: new Map([[EMBEDDED_S3_CREDENTIALS.accessKeyId, EMBEDDED_S3_CREDENTIALS.secretAccessKey]]),
      store: server.store,
      // not inside the store folder: s3rver would list a folder there as a bucket
      spoolDir: join(tmpdir(), 'segflow-s3-spool'),
      allowAnonymous: opts.allowAnonymous,
    }),
  );
  // first of all: counts the requests in hand, so `settled()` can wait for the last one's end
  let inHand = 0;
  const waiting: (() => void)[] = [];
  server.middleware.unshift(async (_ctx: unknown, next: () => Promise<void>) => {
    inHand++;
    try {
      await next();
    } finally {
      inHand--;
      if (inHand === 0) for (const done of waiting.splice(0)) done();
    }
  });
  const settled = () => (inHand === 0 ? Promise.resolve() : new Promise<void>((done) => waiting.push(done)));
  const { port } = await server.run();
  const versions = new ObjectVersions(server.store);
  const versioning = opts.versioning ?? 'Enabled';
  if (versioning !== 'off' && !(await versions.status(opts.bucket))) await versions.setStatus(opts.bucket, versioning);
  return { endpoint: `http://127.0.0.1:${port}`, bucket: opts.bucket, close: () => server.close(), settled };
}
