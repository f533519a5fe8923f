import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMBEDDED_S3_CREDENTIALS, startEmbeddedS3 } from '../lib/embedded/s3-server';
import { freePort } from '../test/free-port';

/**
 * An embedded store for one bench, in a work folder of its own, and the S3 settings that point this
 * process (and the step processes it starts, which inherit its environment) at it — set before
 * anything reads the configuration. The bucket has versioning Enabled (the embedded store's default);
 * `requireVersioning` makes segflow insist on it (S3_VERSIONED), as a deployment does (ADR-02).
 */
export async function startBenchStore(p: { prefix: string; requireVersioning?: boolean }) {
  const work = mkdtempSync(join(tmpdir(), `segflow-bench-${p.prefix}-`));
  const s3 = await startEmbeddedS3({ dir: join(work, 's3'), port: await freePort(), bucket: 'segflow-bench', corsOrigins: ['*'] });
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
