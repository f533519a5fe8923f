import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMBEDDED_S3_CREDENTIALS, startEmbeddedS3 } from '../lib/embedded/s3-server';
import { freePort } from '../test/free-port';
import { serviceProcess } from './child-process';

type BenchS3 = { endpoint: string; bucket: string; close(): Promise<void> };

/** The store as a child process (bench/store-process.ts): its work does not share this process's thread. */
async function storeProcess(dir: string, bucket: string): Promise<BenchS3> {
  const { ready, close } = await serviceProcess<{ endpoint: string }>('store-process.ts', { dir, port: await freePort(), bucket });
  return { endpoint: ready.endpoint, bucket, close };
}

/**
 * An embedded store for one bench, in a work folder of its own, and the S3 settings that point this
 * process (and the step processes it starts, which inherit its environment) at it — set before
 * anything reads the configuration. The bucket has versioning Enabled (the embedded store's default);
 * `requireVersioning` makes segflow insist on it (S3_VERSIONED), as a deployment does (ADR-02).
 * `ownProcess`: the store runs in a child process, as `segflow start` runs it apart from the app; a
 * bench that times the app's routes and the store together then does not put both on one thread.
 */
export async function startBenchStore(p: { prefix: string; requireVersioning?: boolean; ownProcess?: boolean }): Promise<{ work: string; s3: BenchS3 }> {
  const work = mkdtempSync(join(tmpdir(), `segflow-bench-${p.prefix}-`));
  const bucket = 'segflow-bench';
  const s3: BenchS3 = p.ownProcess
    ? await storeProcess(join(work, 's3'), bucket)
    : await startEmbeddedS3({ dir: join(work, 's3'), port: await freePort(), bucket, corsOrigins: ['*'] });
  Object.assign(process.env, {
    S3_ENDPOINT: s3.endpoint,
    S3_BUCKET: s3.bucket,
    S3_REGION: 'us-east-1',
    S3_ACCESS_KEY_ID: EMBEDDED_S3_CREDENTIALS.accessKeyId,
    S3_SECRET_ACCESS_KEY: EMBEDDED_S3_CREDENTIALS.secretAccessKey,
    S3_VERSIONED: p.requireVersioning ? 'true' : 'false',
    NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? 'bench-secret-not-for-production',
    SEGFLOW_DATA_DIR: join(work, 'data'),
  });
  return { work, s3 };
}
