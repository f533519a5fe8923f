import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../test/free-port';
import { EMBEDDED_S3_CREDENTIALS, startEmbeddedS3, type EmbeddedS3 } from './s3-server';

const text = (s: string) => new TextEncoder().encode(s);
const status = (err: unknown) => (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

let dir: string;
let s3: EmbeddedS3;
let plain: EmbeddedS3;
let client: S3Client;
let plainClient: S3Client;

function makeClient(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: EMBEDDED_S3_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

async function read(c: S3Client, bucket: string, key: string, versionId?: string): Promise<string> {
  const res = await c.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
  return res.Body!.transformToString();
}

async function put(key: string, body: string): Promise<string> {
  const res = await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: text(body), ContentType: 'text/plain' }));
  expect(res.VersionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
  return res.VersionId!;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'segflow-s3-versions-'));
  s3 = await startEmbeddedS3({ dir: join(dir, 'v'), port: await freePort(), bucket: 'versioned', corsOrigins: ['*'] });
  plain = await startEmbeddedS3({ dir: join(dir, 'p'), port: await freePort(), bucket: 'plain', corsOrigins: ['*'], versioning: 'off' });
  client = makeClient(s3.endpoint);
  plainClient = makeClient(plain.endpoint);
});
afterAll(async () => {
  client?.destroy();
  plainClient?.destroy();
  await s3?.close();
  await plain?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('embedded S3: versioned bucket (ADR-02), through @aws-sdk/client-s3', () => {
  it('creates its bucket with versioning Enabled', async () => {
    expect((await client.send(new GetBucketVersioningCommand({ Bucket: s3.bucket }))).Status).toBe('Enabled');
    expect((await plainClient.send(new GetBucketVersioningCommand({ Bucket: plain.bucket }))).Status).toBeUndefined();
  });

  it('gives every put its own version id and serves each version by id (GET, HEAD, ranges, presigned)', async () => {
    const v1 = await put('a/mask.nii.gz', 'first bytes');
    const v2 = await put('a/mask.nii.gz', 'second, longer bytes');
    expect(v1).not.toBe(v2);
    expect(await read(client, s3.bucket, 'a/mask.nii.gz')).toBe('second, longer bytes');
    expect(await read(client, s3.bucket, 'a/mask.nii.gz', v1)).toBe('first bytes');
    expect(await read(client, s3.bucket, 'a/mask.nii.gz', v2)).toBe('second, longer bytes');

    const current = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'a/mask.nii.gz' }));
    expect(current.VersionId).toBe(v2);
    await current.Body!.transformToString();
    const head = await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'a/mask.nii.gz', VersionId: v1 }));
    expect(head).toMatchObject({ VersionId: v1, ContentLength: 11, ContentType: 'text/plain' });

    const part = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'a/mask.nii.gz', VersionId: v1, Range: 'bytes=6-10' }));
    expect(part.ContentRange).toBe('bytes 6-10/11');
    expect(await part.Body!.transformToString()).toBe('bytes');

    const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: s3.bucket, Key: 'a/mask.nii.gz', VersionId: v1 }), { expiresIn: 60 });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-version-id')).toBe(v1);
    expect(await res.text()).toBe('first bytes');
  });

  it('answers a browser presigned GET by version id with the bucket CORS headers (the viewer reads images so)', async () => {
    const versionId = await put('cors/a.txt', 'first');
    await put('cors/a.txt', 'second');
    const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: s3.bucket, Key: 'cors/a.txt', VersionId: versionId }), { expiresIn: 60 });
    const res = await fetch(url, { headers: { origin: 'http://localhost:3000' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('first');
    expect(res.headers.get('access-control-allow-origin')).toBeTruthy();
  });

  it('refuses an unknown or malformed version id', async () => {
    await put('b/x.txt', 'x');
    await expect(read(client, s3.bucket, 'b/x.txt', 'A'.repeat(32))).rejects.toMatchObject({ name: 'NoSuchVersion' });
    await expect(read(client, s3.bucket, 'b/x.txt', '../../etc/passwd')).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
  });

  it('DELETE without a version id leaves a delete marker; the old versions stay readable; deleting the marker brings the object back', async () => {
    const v1 = await put('c/seg.dcm', 'kept');
    const del = await client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: 'c/seg.dcm' }));
    expect(del.DeleteMarker).toBe(true);
    expect(del.VersionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const gone = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'c/seg.dcm' })).catch((e: unknown) => e);
    expect(status(gone)).toBe(404);
    expect(await read(client, s3.bucket, 'c/seg.dcm', v1)).toBe('kept');
    const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'c/' }));
    expect(listed.Contents ?? []).toHaveLength(0);

    const versions = await client.send(new ListObjectVersionsCommand({ Bucket: s3.bucket, Prefix: 'c/' }));
    expect(versions.DeleteMarkers).toMatchObject([{ Key: 'c/seg.dcm', VersionId: del.VersionId, IsLatest: true }]);
    expect(versions.Versions).toMatchObject([{ Key: 'c/seg.dcm', VersionId: v1, IsLatest: false, Size: 4 }]);

    await client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: 'c/seg.dcm', VersionId: del.VersionId }));
    expect(await read(client, s3.bucket, 'c/seg.dcm')).toBe('kept');
  });

  it('DELETE of a key that has no object still leaves a delete marker, as on S3', async () => {
    const del = await client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: 'never/written/here.bin' }));
    expect(del.DeleteMarker).toBe(true);
    const versions = await client.send(new ListObjectVersionsCommand({ Bucket: s3.bucket, Prefix: 'never/' }));
    expect(versions.DeleteMarkers).toMatchObject([{ Key: 'never/written/here.bin', VersionId: del.VersionId, IsLatest: true }]);
  });

  it('DELETE of one version removes it for good and makes the previous one current', async () => {
    const v1 = await put('d/k', 'one');
    const v2 = await put('d/k', 'two');
    await client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: 'd/k', VersionId: v2 }));
    await expect(read(client, s3.bucket, 'd/k', v2)).rejects.toMatchObject({ name: 'NoSuchVersion' });
    expect(await read(client, s3.bucket, 'd/k')).toBe('one');
    const versions = await client.send(new ListObjectVersionsCommand({ Bucket: s3.bucket, Prefix: 'd/' }));
    expect(versions.Versions?.map((v) => v.VersionId)).toEqual([v1]);
  });

  it('versions multipart uploads and copies', async () => {
    const key = 'e/big.bin';
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: key }));
    const partBody = new Uint8Array(5 * 1024 * 1024).fill(7);
    const p1 = await client.send(new UploadPartCommand({ Bucket: s3.bucket, Key: key, UploadId, PartNumber: 1, Body: partBody }));
    const p2 = await client.send(new UploadPartCommand({ Bucket: s3.bucket, Key: key, UploadId, PartNumber: 2, Body: text('tail') }));
    const done = await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: s3.bucket,
        Key: key,
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: p1.ETag },
            { PartNumber: 2, ETag: p2.ETag },
          ],
        },
      }),
    );
    expect(done.VersionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const head = await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key, VersionId: done.VersionId }));
    expect(head.ContentLength).toBe(partBody.length + 4);

    const copy = await client.send(new CopyObjectCommand({ Bucket: s3.bucket, Key: 'e/copy.txt', CopySource: `${s3.bucket}/b/x.txt` }));
    expect(copy.VersionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await read(client, s3.bucket, 'e/copy.txt', copy.VersionId)).toBe('x');
  });

  it('DeleteObjects leaves delete markers (or removes named versions)', async () => {
    const v1 = await put('f/1', 'one');
    await put('f/2', 'two');
    const res = await client.send(new DeleteObjectsCommand({ Bucket: s3.bucket, Delete: { Objects: [{ Key: 'f/1', VersionId: v1 }, { Key: 'f/2' }] } }));
    expect(res.Deleted).toHaveLength(2);
    expect(res.Deleted?.find((d) => d.Key === 'f/2')?.DeleteMarker).toBe(true);
    const versions = await client.send(new ListObjectVersionsCommand({ Bucket: s3.bucket, Prefix: 'f/' }));
    expect(versions.Versions?.map((v) => v.Key)).toEqual(['f/2']);
    expect(versions.DeleteMarkers?.map((v) => v.Key)).toEqual(['f/2']);
  });

  it('pages ListObjectVersions with key and version-id markers', async () => {
    for (let i = 0; i < 3; i++) await put('g/a', `a${i}`);
    await put('g/b', 'b');
    const seen: string[] = [];
    let KeyMarker: string | undefined;
    let VersionIdMarker: string | undefined;
    for (;;) {
      const page = await client.send(new ListObjectVersionsCommand({ Bucket: s3.bucket, Prefix: 'g/', MaxKeys: 2, KeyMarker, VersionIdMarker }));
      seen.push(...(page.Versions ?? []).map((v) => `${v.Key}:${v.VersionId}`));
      if (!page.IsTruncated) break;
      ({ NextKeyMarker: KeyMarker, NextVersionIdMarker: VersionIdMarker } = page);
    }
    expect(seen).toHaveLength(4);
    expect(new Set(seen).size).toBe(4);
  });

  it('keeps each concurrent write to one key as its own version with its own bytes', async () => {
    const bodies = Array.from({ length: 10 }, (_, i) => `concurrent write ${i} `.repeat(1000 + i));
    const ids = await Promise.all(bodies.map((b) => put('h/same', b)));
    expect(new Set(ids).size).toBe(10);
    for (const [i, id] of ids.entries()) expect(await read(client, s3.bucket, 'h/same', id)).toBe(bodies[i]);
  });

  it('a bucket versioned later: the object already there becomes the null version', async () => {
    await plainClient.send(new PutObjectCommand({ Bucket: plain.bucket, Key: 'old', Body: text('before') }));
    const before = await plainClient.send(new PutObjectCommand({ Bucket: plain.bucket, Key: 'old2', Body: text('x') }));
    expect(before.VersionId).toBeUndefined();
    await plainClient.send(new PutBucketVersioningCommand({ Bucket: plain.bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    expect((await plainClient.send(new GetBucketVersioningCommand({ Bucket: plain.bucket }))).Status).toBe('Enabled');
    const after = await plainClient.send(new PutObjectCommand({ Bucket: plain.bucket, Key: 'old', Body: text('after') }));
    expect(after.VersionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await read(plainClient, plain.bucket, 'old', 'null')).toBe('before');
    expect(await read(plainClient, plain.bucket, 'old', after.VersionId)).toBe('after');
    const versions = await plainClient.send(new ListObjectVersionsCommand({ Bucket: plain.bucket, Prefix: 'old' }));
    expect(versions.Versions?.map((v) => [v.Key, v.VersionId, v.IsLatest])).toEqual([
      ['old', after.VersionId, true],
      ['old', 'null', false],
      ['old2', 'null', true],
    ]);
    await expect(
      plainClient.send(new PutBucketVersioningCommand({ Bucket: plain.bucket, VersioningConfiguration: { Status: 'Sometimes' as 'Enabled' } })),
    ).rejects.toMatchObject({ name: 'MalformedXML' });
  });
});
