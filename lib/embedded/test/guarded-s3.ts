/**
 * One embedded S3 server per test file, with a client holding the right credentials and one holding
 * a wrong secret: the setup the embedded store's guard tests share (s3-server-presigned.test.ts,
 * s3-server-sdk.test.ts). The fields are filled in beforeAll.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from '../../../test/free-port';
import { EMBEDDED_S3_CREDENTIALS, startEmbeddedS3, type EmbeddedS3 } from '../s3-server';

export const BUCKET = 'guarded';
export const sha256b64 = (b: Uint8Array) => createHash('sha256').update(b).digest('base64');
/** the headers these tests' presigned PUTs sign (the app signs more: HEADER_BOUND in lib/uploads/presign-file-part.ts) */
export const SIGNED = new Set(['content-type', 'x-amz-checksum-sha256']);
export const put = (url: string, headers: Record<string, string>, body: Uint8Array) =>
  fetch(url, { method: 'PUT', headers, body: body as Uint8Array<ArrayBuffer> });
export const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

export interface GuardedS3 {
  /** the store's data directory */
  dir: string;
  s3: EmbeddedS3;
  client: S3Client;
  /** the right access key with the wrong secret */
  wrong: S3Client;
  /** whether HeadObject finds the key (false on 404) */
  exists(key: string): Promise<boolean>;
}

export function guardedS3PerFile(): GuardedS3 {
  const store = {
    async exists(key: string): Promise<boolean> {
      try {
        await store.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
        return true;
      } catch (err) {
        if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
        throw err;
      }
    },
  } as GuardedS3;
  const makeClient = (secretAccessKey: string) =>
    new S3Client({
      endpoint: store.s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: EMBEDDED_S3_CREDENTIALS.accessKeyId, secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  beforeAll(async () => {
    store.dir = mkdtempSync(join(tmpdir(), 'segflow-s3-guard-'));
    store.s3 = await startEmbeddedS3({ dir: store.dir, port: await freePort(), bucket: BUCKET, corsOrigins: ['http://app.test'] });
    store.client = makeClient(EMBEDDED_S3_CREDENTIALS.secretAccessKey);
    store.wrong = makeClient('not-the-secret');
  });
  afterAll(async () => {
    store.client?.destroy();
    store.wrong?.destroy();
    await store.s3?.close();
    if (store.dir) rmSync(store.dir, { recursive: true, force: true });
  });
  return store;
}
