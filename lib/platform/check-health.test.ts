import { PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../test/free-port';
import { EMBEDDED_S3_CREDENTIALS, startEmbeddedS3, type EmbeddedS3 } from '../embedded/s3-server';
import { checkHealth } from './check-health';

let dir: string;
let unversioned: EmbeddedS3;
const saved = { endpoint: process.env.S3_ENDPOINT, bucket: process.env.S3_BUCKET };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'segflow-health-'));
  unversioned = await startEmbeddedS3({ dir, port: await freePort(), bucket: 'no-versions', corsOrigins: ['*'], versioning: 'off' });
});
afterEach(() => Object.assign(process.env, { S3_ENDPOINT: saved.endpoint, S3_BUCKET: saved.bucket }));
afterAll(async () => {
  await unversioned?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('health: the bucket must be versioned (ADR-02)', () => {
  it('is ok on the tests’ bucket, which has versioning Enabled', async () => {
    const h = await checkHealth();
    expect(h.storage).toEqual({ ok: true, detail: `bucket ${saved.bucket} reachable, versioning Enabled` });
  });

  it('is not ok, naming the reason, on a bucket without versioning or with it suspended', async () => {
    Object.assign(process.env, { S3_ENDPOINT: unversioned.endpoint, S3_BUCKET: unversioned.bucket });
    const off = await checkHealth();
    expect(off.ok).toBe(false);
    expect(off.storage.ok).toBe(false);
    expect(off.storage.detail).toMatch(/^bucket no-versions: versioning is not enabled; segflow needs it Enabled/);

    const client = new S3Client({ endpoint: unversioned.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: EMBEDDED_S3_CREDENTIALS });
    await client.send(new PutBucketVersioningCommand({ Bucket: unversioned.bucket, VersioningConfiguration: { Status: 'Suspended' } }));
    client.destroy();
    const suspended = await checkHealth();
    expect(suspended.storage).toMatchObject({ ok: false, detail: expect.stringMatching(/versioning is Suspended/) });
  });
});
