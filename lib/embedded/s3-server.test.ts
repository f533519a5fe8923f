import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import zlib from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../test/free-port';
import { EMBEDDED_S3_CREDENTIALS, startEmbeddedS3, type EmbeddedS3 } from './s3-server';

const BUCKET = 'guarded';
const SIGNED = new Set(['content-type', 'x-amz-checksum-sha256']);
const sha256b64 = (b: Uint8Array) => createHash('sha256').update(b).digest('base64');
const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

let dir: string;
let s3: EmbeddedS3;
let client: S3Client;
let wrong: S3Client;

function makeClient(secretAccessKey: string): S3Client {
  return new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: EMBEDDED_S3_CREDENTIALS.accessKeyId, secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

async function exists(key: string): Promise<boolean> {
  try {
    await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    return true;
  } catch (err) {
    if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw err;
  }
}

/** a presigned single PUT, as lib/uploads/presign-file-part.ts makes it */
async function presignPut(
  key: string,
  body: Uint8Array,
  expiresIn = 300,
  withChecksum = true,
  signingDate?: Date,
): Promise<{ url: string; headers: Record<string, string> }> {
  const checksum = sha256b64(body);
  const url = await getSignedUrl(
    client,
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: key,
      ContentLength: body.length,
      ContentType: 'application/octet-stream',
      ChecksumSHA256: withChecksum ? checksum : undefined,
    }),
    { expiresIn, unhoistableHeaders: SIGNED, signableHeaders: SIGNED, signingDate },
  );
  return { url, headers: { 'content-type': 'application/octet-stream', ...(withChecksum ? { 'x-amz-checksum-sha256': checksum } : {}) } };
}

const put = (url: string, headers: Record<string, string>, body: Uint8Array) => fetch(url, { method: 'PUT', headers, body: body as Uint8Array<ArrayBuffer> });

/** raw HTTP: a Content-Length header that the body does not fill, then the client stops sending */
function rawPut(url: string, headers: Record<string, string>, declared: number, body: Uint8Array): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const sock = connect(Number(u.port), u.hostname, () => {
      const head = [
        `PUT ${u.pathname}${u.search} HTTP/1.1`,
        `Host: ${u.host}`,
        `Content-Length: ${declared}`,
        ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
        '',
        '',
      ].join('\r\n');
      sock.write(head);
      sock.write(body);
      sock.end();
    });
    let out = '';
    sock.on('data', (d) => (out += d.toString()));
    sock.on('close', () => resolve(out));
    sock.on('error', (e) => (out ? resolve(out) : reject(e)));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'segflow-s3-guard-'));
  s3 = await startEmbeddedS3({ dir, port: await freePort(), bucket: BUCKET, corsOrigins: ['http://app.test'] });
  client = makeClient(EMBEDDED_S3_CREDENTIALS.secretAccessKey);
  wrong = makeClient('not-the-secret');
});
afterAll(async () => {
  client?.destroy();
  wrong?.destroy();
  await s3?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('embedded S3: presigned URLs are verified at the store', () => {
  it('accepts a valid presigned PUT and stores exactly the body', async () => {
    const body = bytes(1000);
    const { url, headers } = await presignPut('ok/a.bin', body);
    const res = await put(url, headers, body);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-checksum-sha256')).toBe(sha256b64(body));
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'ok/a.bin' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.from(body))).toBe(true);
  });

  it('verifies keys that need escaping (spaces, unicode, reserved characters) in presigned and SDK requests', async () => {
    const key = "odd keys/ünï cødé (1) + 'x'*~!.bin";
    const body = bytes(50);
    const { url, headers } = await presignPut(key, body);
    expect((await put(url, headers, body)).status).toBe(200);
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect((await got.Body!.transformToByteArray()).length).toBe(50);
  });

  it('refuses a tampered signature, key or signed parameter with 403 SignatureDoesNotMatch', async () => {
    const body = bytes(100);
    const { url, headers } = await presignPut('tamper/a.bin', body);
    const u = new URL(url);
    const sig = u.searchParams.get('X-Amz-Signature')!;
    u.searchParams.set('X-Amz-Signature', (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1));
    const bad = await put(u.toString(), headers, body);
    expect(bad.status).toBe(403);
    expect(await bad.text()).toMatch(/<Code>SignatureDoesNotMatch<\/Code>/);

    const otherKey = new URL(url);
    otherKey.pathname = `/${BUCKET}/tamper/b.bin`;
    expect((await put(otherKey.toString(), headers, body)).status).toBe(403);

    const longer = new URL(url);
    longer.searchParams.set('X-Amz-Expires', '900');
    expect((await put(longer.toString(), headers, body)).status).toBe(403);
    expect(await exists('tamper/a.bin')).toBe(false);
    expect(await exists('tamper/b.bin')).toBe(false);
  });

  it('refuses an expired URL with 403 AccessDenied "Request has expired"', async () => {
    const body = bytes(10);
    // signed a minute ago for one second: expired now, without waiting for the clock
    const { url, headers } = await presignPut('expired.bin', body, 1, true, new Date(Date.now() - 60_000));
    const res = await put(url, headers, body);
    expect(res.status).toBe(403);
    const text = await res.text();
    expect(text).toMatch(/<Code>AccessDenied<\/Code>/);
    expect(text).toMatch(/Request has expired/);
    expect(await exists('expired.bin')).toBe(false);
  });

  it('refuses a body longer or shorter than the signed Content-Length, and stores nothing', async () => {
    const body = bytes(4096);
    const { url, headers } = await presignPut('len/a.bin', body, 300, false);
    const longer = await put(url, headers, new Uint8Array([...body, 1, 2, 3]));
    expect(longer.status).toBe(403);
    expect(await longer.text()).toMatch(/SignatureDoesNotMatch/);
    const shorter = await put(url, headers, body.subarray(0, 4000));
    expect(shorter.status).toBe(403);
    expect(await exists('len/a.bin')).toBe(false);

    // the signed length in the header, but the client stops early: nothing is stored
    const raw = await rawPut(url, headers, body.length, body.subarray(0, 1000));
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
    await s3.settled(); // the refused request has ended, with whatever cleanup it does
    expect(await exists('len/a.bin')).toBe(false);
  });

  it('refuses a body whose SHA-256 does not match the signed x-amz-checksum-sha256 (400 BadDigest)', async () => {
    const good = bytes(2048);
    const { url, headers } = await presignPut('sum/a.bin', good);
    const bad = new Uint8Array(good);
    bad[10] ^= 0xff;
    const res = await put(url, headers, bad);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/<Code>BadDigest<\/Code>/);
    expect(await exists('sum/a.bin')).toBe(false);
    // a checksum header sent but not signed is refused too
    const plain = await presignPut('sum/b.bin', good, 300, false);
    const unsigned = await put(plain.url, { ...plain.headers, 'x-amz-checksum-sha256': sha256b64(good) }, good);
    expect(unsigned.status).toBe(403);
    expect(await exists('sum/b.bin')).toBe(false);
  });

  it('ignores headers the browser adds that were not signed', async () => {
    const body = bytes(64);
    const { url, headers } = await presignPut('browser.bin', body);
    const res = await put(url, { ...headers, origin: 'http://app.test', 'user-agent': 'Mozilla/5.0', accept: '*/*', 'accept-language': 'en' }, body);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://app.test');
    expect(res.headers.get('access-control-expose-headers')).toMatch(/ETag/);
  });

  it('answers a browser CORS preflight without authentication, and refusals carry CORS headers', async () => {
    const { url, headers } = await presignPut('cors.bin', bytes(8));
    const pre = await fetch(url, {
      method: 'OPTIONS',
      headers: { origin: 'http://app.test', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type,x-amz-checksum-crc32' },
    });
    expect(pre.status).toBe(200);
    expect(pre.headers.get('access-control-allow-methods')).toMatch(/PUT/);
    expect(pre.headers.get('access-control-allow-headers')).toBe('content-type, x-amz-checksum-crc32');
    // a header the bucket's CORS rule does not name is refused at the preflight
    const odd = await fetch(url, {
      method: 'OPTIONS',
      headers: { origin: 'http://app.test', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-not-allowed' },
    });
    expect(odd.status).toBe(403);
    const refused = await put(url, { ...headers, origin: 'http://app.test' }, bytes(8, 2));
    expect(refused.status).toBe(400);
    expect(refused.headers.get('access-control-allow-origin')).toBe('http://app.test');
  });

  it('refuses unsigned requests as a private bucket does', async () => {
    const res = await fetch(`${s3.endpoint}/${BUCKET}/anon.bin`, { method: 'PUT', body: 'x' });
    expect(res.status).toBe(403);
    expect((await fetch(`${s3.endpoint}/${BUCKET}/ok/a.bin`)).status).toBe(403);
  });
});

describe('embedded S3: SDK calls are verified and multipart is complete', () => {
  it('serves PutObject, GetObject and HeadBucket with the right credentials and refuses the wrong ones', async () => {
    await client.send(new HeadBucketCommand({ Bucket: BUCKET }));
    const body = Buffer.from('hello, signed world');
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sdk/hello.txt', Body: body, ChecksumSHA256: sha256b64(body) }));
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'sdk/hello.txt' }));
    expect(await got.Body!.transformToString()).toBe('hello, signed world');

    await expect(wrong.send(new HeadBucketCommand({ Bucket: BUCKET }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    await expect(wrong.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sdk/wrong.txt', Body: 'x' }))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
    });
    await expect(wrong.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'sdk/hello.txt' }))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
    expect(await exists('sdk/wrong.txt')).toBe(false);
    await expect(
      client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sdk/bad-sum.txt', Body: body, ChecksumSHA256: sha256b64(Buffer.from('other')) })),
    ).rejects.toMatchObject({ name: 'BadDigest' });
    expect(await exists('sdk/bad-sum.txt')).toBe(false);
  });

  it('serves the body-less and checksummed SDK calls: CopyObject, ListObjectsV2, DeleteObject, DeleteObjects', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'misc/a.txt', Body: 'a' }));
    await client.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'misc/b.txt', CopySource: `${BUCKET}/misc/a.txt` }));
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'misc/' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['misc/a.txt', 'misc/b.txt']);
    await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'misc/a.txt' }));
    await client.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'misc/b.txt' }] } }));
    expect(await exists('misc/b.txt')).toBe(false);
    await expect(wrong.send(new ListObjectsV2Command({ Bucket: BUCKET }))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
  });

  it('creates, uploads, lists, completes and aborts multipart uploads; the wrong credentials are refused at every step', async () => {
    const startedAt = Date.now();
    const key = 'mp/big.bin';
    const p1 = bytes(5 * 1024 * 1024, 3);
    const p2 = bytes(1234, 4);
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key, ChecksumAlgorithm: 'SHA256' }));
    expect(UploadId).toMatch(/^[0-9a-f]{32}$/);
    await expect(wrong.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'mp/wrong.bin' }))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
    });

    // part 1 through a presigned URL with its checksum signed, part 2 through the SDK
    const url = await getSignedUrl(
      client,
      new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, ContentLength: p1.length, ChecksumSHA256: sha256b64(p1) }),
      {
        expiresIn: 300,
        unhoistableHeaders: SIGNED,
        signableHeaders: SIGNED,
      },
    );
    const badPart = new Uint8Array(p1);
    badPart[0] ^= 1;
    // the SDK signs content-type for UploadPart: a part sent without it does not match the signature
    expect(new URL(url).searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host;x-amz-checksum-sha256');
    const partHeaders = { 'content-type': 'application/octet-stream', 'x-amz-checksum-sha256': sha256b64(p1) };
    expect((await put(url, { 'x-amz-checksum-sha256': sha256b64(p1) }, p1)).status).toBe(403);
    expect((await put(url, partHeaders, badPart)).status).toBe(400);
    const r1 = await put(url, partHeaders, p1);
    expect(r1.status).toBe(200);
    const r2 = await client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 2, Body: p2 }));
    await expect(wrong.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 3, Body: p2 }))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
    });

    const parts = await client.send(new ListPartsCommand({ Bucket: BUCKET, Key: key, UploadId }));
    expect(parts.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual([
      [1, p1.length, r1.headers.get('etag')],
      [2, p2.length, r2.ETag],
    ]);
    expect(parts.Parts?.[0].ChecksumSHA256).toBe(sha256b64(p1));
    const page = await client.send(new ListPartsCommand({ Bucket: BUCKET, Key: key, UploadId, MaxParts: 1 }));
    expect(page).toMatchObject({ IsTruncated: true, NextPartNumberMarker: '1' });
    expect(page.Parts).toHaveLength(1);
    await expect(wrong.send(new ListPartsCommand({ Bucket: BUCKET, Key: key, UploadId }))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });

    const other = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'mp/abandoned.bin' }));
    const listed = await client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
    expect(listed.Uploads?.map((u) => [u.Key, u.UploadId])).toEqual([
      ['mp/abandoned.bin', other.UploadId],
      [key, UploadId],
    ]);
    // initiated between the start of this test and now (S3 dates have whole seconds)
    for (const u of listed.Uploads ?? []) {
      expect(u.Initiated!.getTime()).toBeGreaterThanOrEqual(Math.floor(startedAt / 1000) * 1000 - 1000);
      expect(u.Initiated!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    }
    expect((await client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: 'mp/ab' }))).Uploads).toHaveLength(1);
    await expect(wrong.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });

    await expect(wrong.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'mp/abandoned.bin', UploadId: other.UploadId }))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
    });
    await client.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'mp/abandoned.bin', UploadId: other.UploadId }));
    await expect(client.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'mp/abandoned.bin', UploadId: other.UploadId }))).rejects.toMatchObject({
      name: 'NoSuchUpload',
    });
    await expect(
      client.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'mp/abandoned.bin', UploadId: other.UploadId, PartNumber: 1, Body: p2 })),
    ).rejects.toMatchObject({ name: 'NoSuchUpload' });

    const completeParts = [
      { PartNumber: 1, ETag: r1.headers.get('etag')! },
      { PartNumber: 2, ETag: r2.ETag! },
    ];
    await expect(
      wrong.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: completeParts } })),
    ).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
    await expect(
      client.send(
        new CompleteMultipartUploadCommand({
          Bucket: BUCKET,
          Key: key,
          UploadId,
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"0000"' }, completeParts[1]] },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidPart' });
    const done = await client.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: completeParts } }));
    // S3's multipart ETag: MD5 of the parts' binary MD5s, then the part count
    const md5 = (b: Uint8Array) => createHash('md5').update(b).digest();
    const multipartEtag = `"${createHash('md5')
      .update(Buffer.concat([md5(p1), md5(p2)]))
      .digest('hex')}-2"`;
    expect(done.ETag).toBe(multipartEtag);
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(got.ETag).toBe(multipartEtag);
    expect(got.ContentLength).toBe(p1.length + p2.length);
    const stored = Buffer.from(await got.Body!.transformToByteArray());
    expect(stored.equals(Buffer.concat([p1, p2]))).toBe(true);
    await expect(
      client.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: completeParts } })),
    ).rejects.toMatchObject({ name: 'NoSuchUpload' });
    expect((await client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads ?? []).toEqual([]);
    // no spooled bodies left behind in the store's folder
    expect(readdirSync(dir).sort()).toEqual([BUCKET]);
  });
  it('replaces a part sent again, assembles only the parts named, and leaves no temporary files', async () => {
    const key = 'mp/replaced.bin';
    const first = bytes(5 * 1024 * 1024, 7);
    const second = bytes(5 * 1024 * 1024, 8);
    const tail = bytes(99, 9);
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    const old = await client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: first }));
    // CRC32 part checksums are checked too; algorithms the store cannot check are refused, not stored unchecked
    const crc = (b: Uint8Array) => Buffer.from(zlib.crc32(b).toString(16).padStart(8, '0'), 'hex').toString('base64');
    await expect(
      client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: second, ChecksumCRC32: crc(first) })),
    ).rejects.toMatchObject({ name: 'BadDigest' });
    await expect(
      client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: second, ChecksumCRC32C: 'AAAAAA==' })),
    ).rejects.toMatchObject({ name: 'NotImplemented' });
    const now = await client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: second, ChecksumCRC32: crc(second) }));
    expect(now.ChecksumCRC32).toBe(crc(second));
    await client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 2, Body: tail }));
    const listed = await client.send(new ListPartsCommand({ Bucket: BUCKET, Key: key, UploadId }));
    expect(listed.Parts?.map((p) => [p.PartNumber, p.ETag, p.ChecksumCRC32])).toEqual([
      [1, now.ETag, crc(second)],
      [2, expect.any(String), undefined],
    ]);
    await expect(
      client.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: old.ETag }] } })),
    ).rejects.toMatchObject({
      name: 'InvalidPart',
    });
    // part 2 was uploaded but is not named: S3 leaves it out of the object
    await client.send(
      new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: now.ETag }] } }),
    );
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(second)).toBe(true);
    // a part for the finished upload does not bring it back
    await expect(client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 3, Body: tail }))).rejects.toMatchObject({
      name: 'NoSuchUpload',
    });
    expect((await client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads ?? []).toEqual([]);
    const leftovers = readdirSync(join(dir, BUCKET), { recursive: true })
      .map(String)
      .filter((f) => f.includes('.tmp-'));
    expect(leftovers).toEqual([]);
  });
});
