/**
 * The embedded store answers a PUT only once the object is on disk: an object read back by the
 * version id its PUT answered, at once, is the object that was sent (s3rver alone answered before its
 * file stream had written the bytes, and its version snapshot, taken right then, could be empty).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/free-port';
import { EMBEDDED_S3_CREDENTIALS, startEmbeddedS3, type EmbeddedS3 } from '../s3-server';
import { writeBeforeAnswering, type WritingStore } from './written-before-answered';

// s3rver's own file store, as startEmbeddedS3 gets it (a CommonJS class)
const FilesystemStore = createRequire(import.meta.url)('s3rver/lib/stores/filesystem') as new (root: string) => WritingStore;

let dir: string;
let s3: EmbeddedS3;
let client: S3Client;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'segflow-s3-written-'));
  s3 = await startEmbeddedS3({ dir, port: await freePort(), bucket: 'written', corsOrigins: ['*'] });
  client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: EMBEDDED_S3_CREDENTIALS });
});

afterAll(async () => {
  client.destroy();
  await s3.close();
  rmSync(dir, { recursive: true, force: true });
});

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('embedded store writes', () => {
  // one large chunk: s3rver's hashing stream has passed it on (and says it is done) while the file
  // stream is still writing it
  const body = () => new Uint8Array(randomBytes(48 * 1024 * 1024));
  const putOnce = async (store: WritingStore, key: string, bytes: Uint8Array) => {
    await store.putObject({ bucket: 'b', key, metadata: { 'content-type': 'application/octet-stream' }, content: Readable.from([Buffer.from(bytes)]) });
    return statSync(store.getResourcePath('b', key, 'object')).size;
  };

  it('s3rver alone answers a PUT before the object is on disk (what the replacement is for)', async () => {
    const bytes = body();
    expect(await putOnce(new FilesystemStore(join(dir, 'alone')), 'k', bytes)).toBeLessThan(bytes.length);
  });

  it('answers a PUT once the object is on disk, byte for byte', async () => {
    const store = new FilesystemStore(join(dir, 'replaced'));
    writeBeforeAnswering(store);
    const bytes = body();
    expect(await putOnce(store, 'k', bytes)).toBe(bytes.length);
    expect(sha(readFileSync(store.getResourcePath('b', 'k', 'object')))).toBe(sha(bytes));
  });

  it('serves every object by the version id its PUT answered, byte for byte, read at once', async () => {
    const objects = Array.from({ length: 12 }, (_, i) => ({ key: `burst/${i}.bin`, body: new Uint8Array(randomBytes(1024 * 1024 + i * 4099)) }));
    const read = async (key: string, versionId: string) =>
      new Uint8Array(await (await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key, VersionId: versionId }))).Body!.transformToByteArray());
    const results = await Promise.all(
      objects.map(async (o) => {
        const put = await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: o.key, Body: o.body }));
        const back = await read(o.key, put.VersionId!);
        return { key: o.key, size: back.length, same: sha(back) === sha(o.body) };
      }),
    );
    expect(results.filter((r) => !r.same)).toEqual([]);
  });
});
