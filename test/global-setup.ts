import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMBEDDED_S3_CREDENTIALS, startEmbeddedS3 } from '../lib/embedded/s3-server';
import { startEmbeddedDatabase } from '../lib/embedded/pglite-server';
import { migrateDatabase } from '../lib/platform/migrate';
import { freePort } from './free-port';

/**
 * Integration tests talk to a real PostgreSQL (DATABASE_URL, as in CI) or, when none is set, to an
 * embedded PGlite served over the wire; and to a real S3-protocol server (s3rver) on a free port.
 * The settings reach the test workers through the environment.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'segflow-test-'));
  const closers: (() => Promise<void>)[] = [];
  if (!process.env.DATABASE_URL) {
    const db = await startEmbeddedDatabase({ dir: join(dir, 'pg'), port: await freePort() });
    closers.push(db.close);
    process.env.DATABASE_URL = db.url;
    process.env.SEGFLOW_TEST_EMBEDDED_DB = '1';
  }
  await migrateDatabase(process.env.DATABASE_URL);

  const s3 = await startEmbeddedS3({ dir: join(dir, 's3'), port: await freePort(), bucket: 'segflow-test', corsOrigins: ['*'] });
  closers.push(s3.close);
  Object.assign(process.env, {
    S3_ENDPOINT: s3.endpoint,
    S3_BUCKET: s3.bucket,
    S3_REGION: 'us-east-1',
    S3_ACCESS_KEY_ID: EMBEDDED_S3_CREDENTIALS.accessKeyId,
    S3_SECRET_ACCESS_KEY: EMBEDDED_S3_CREDENTIALS.secretAccessKey,
    S3_VERSIONED: 'true',
    NEXTAUTH_SECRET: 'test-secret-not-for-production',
    SEGFLOW_DATA_DIR: join(dir, 'data'),
  });

  return async () => {
    for (const close of closers.reverse()) await close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
}
