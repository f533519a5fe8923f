// The embedded S3 server verifies every SDK call and implements multipart uploads completely
// (presigned URLs are in s3-server-presigned.test.ts).
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import zlib from 'node:zlib';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { BUCKET, bytes, guardedS3PerFile, put, SIGNED, sha256b64 } from './test/guarded-s3';

const store = guardedS3PerFile();

describe('embedded S3: SDK calls are verified and multipart is complete', () => {
  it('serves PutObject, GetObject and HeadBucket with the right credentials and refuses the wrong ones', async () => {
    await store.client.send(new HeadBucketCommand({ Bucket: BUCKET }));
    const body = Buffer.from('hello, signed world');
    await store.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sdk/hello.txt', Body: body, ChecksumSHA256: sha256b64(body) }));
    const got = await store.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'sdk/hello.txt' }));
    expect(await got.Body!.transformToString()).toBe('hello, signed world');

    await expect(store.wrong.send(new HeadBucketCommand({ Bucket: BUCKET }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    await expect(store.wrong.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sdk/wrong.txt', Body: 'x' }))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
    });
    await expect(store.wrong.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'sdk/hello.txt' }))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
    expect(await store.exists('sdk/wrong.txt')).toBe(false);
    await expect(
      store.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sdk/bad-sum.txt', Body: body, ChecksumSHA256: sha256b64(Buffer.from('other')) })),
    ).rejects.toMatchObject({ name: 'BadDigest' });
    expect(await store.exists('sdk/bad-sum.txt')).toBe(false);
  });

  it('serves the body-less and checksummed SDK calls: CopyObject, ListObjectsV2, DeleteObject, DeleteObjects', async () => {
    await store.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'misc/a.txt', Body: 'a' }));
    await store.client.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'misc/b.txt', CopySource: `${BUCKET}/misc/a.txt` }));
    const listed = await store.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'misc/' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['misc/a.txt', 'misc/b.txt']);
    await store.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'misc/a.txt' }));
    await store.client.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'misc/b.txt' }] } }));
    expect(await store.exists('misc/b.txt')).toBe(false);
    await expect(store.wrong.send(new ListObjectsV2Command({ Bucket: BUCKET }))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
  });

  it('creates, uploads, lists, completes and aborts multipart uploads; the wrong credentials are refused at every step', async () => {
    const startedAt = Date.now();
    const key = 'mp/big.bin';
    const p1 = bytes(5 * 1024 * 1024, 3);
    const p2 = bytes(1234, 4);
    const { UploadId } = await store.client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key, ChecksumAlgorithm: 'SHA256' }));
    expect(UploadId).toMatch(/^[0-9a-f]{32}$/);
    await expect(store.wrong.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'mp/wrong.bin' }))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
    });

    // part 1 through a presigned URL with its checksum signed, part 2 through the SDK
    const url = await getSignedUrl(
      store.client,
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
    const r2 = await store.client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 2, Body: p2 }));
    await expect(store.wrong.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 3, Body: p2 }))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
    });

    const parts = await store.client.send(new ListPartsCommand({ Bucket: BUCKET, Key: key, UploadId }));
    expect(parts.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual([
      [1, p1.length, r1.headers.get('etag')],
      [2, p2.length, r2.ETag],
    ]);
    expect(parts.Parts?.[0].ChecksumSHA256).toBe(sha256b64(p1));
    const page = await store.client.send(new ListPartsCommand({ Bucket: BUCKET, Key: key, UploadId, MaxParts: 1 }));
    expect(page).toMatchObject({ IsTruncated: true, NextPartNumberMarker: '1' });
    expect(page.Parts).toHaveLength(1);
    await expect(store.wrong.send(new ListPartsCommand({ Bucket: BUCKET, Key: key, UploadId }))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });

    const other = await store.client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'mp/abandoned.bin' }));
    const listed = await store.client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
    expect(listed.Uploads?.map((u) => [u.Key, u.UploadId])).toEqual([
      ['mp/abandoned.bin', other.UploadId],
      [key, UploadId],
    ]);
    // initiated between the start of this test and now (S3 dates have whole seconds)
    for (const u of listed.Uploads ?? []) {
      expect(u.Initiated!.getTime()).toBeGreaterThanOrEqual(Math.floor(startedAt / 1000) * 1000 - 1000);
      expect(u.Initiated!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    }
    expect((await store.client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: 'mp/ab' }))).Uploads).toHaveLength(1);
    await expect(store.wrong.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });

    await expect(
      store.wrong.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'mp/abandoned.bin', UploadId: other.UploadId })),
    ).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
    });
    await store.client.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'mp/abandoned.bin', UploadId: other.UploadId }));
    await expect(store.client.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'mp/abandoned.bin', UploadId: other.UploadId }))).rejects.toMatchObject({
      name: 'NoSuchUpload',
    });
    await expect(
      store.client.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'mp/abandoned.bin', UploadId: other.UploadId, PartNumber: 1, Body: p2 })),
    ).rejects.toMatchObject({ name: 'NoSuchUpload' });

    const completeParts = [
      { PartNumber: 1, ETag: r1.headers.get('etag')! },
      { PartNumber: 2, ETag: r2.ETag! },
    ];
    await expect(
      store.wrong.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: completeParts } })),
    ).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
    await expect(
      store.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: BUCKET,
          Key: key,
          UploadId,
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"0000"' }, completeParts[1]] },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidPart' });
    const done = await store.client.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: completeParts } }));
    // S3's multipart ETag: MD5 of the parts' binary MD5s, then the part count
    const md5 = (b: Uint8Array) => createHash('md5').update(b).digest();
    const multipartEtag = `"${createHash('md5')
      .update(Buffer.concat([md5(p1), md5(p2)]))
      .digest('hex')}-2"`;
    expect(done.ETag).toBe(multipartEtag);
    const got = await store.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(got.ETag).toBe(multipartEtag);
    expect(got.ContentLength).toBe(p1.length + p2.length);
    const stored = Buffer.from(await got.Body!.transformToByteArray());
    expect(stored.equals(Buffer.concat([p1, p2]))).toBe(true);
    await expect(
      store.client.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: completeParts } })),
    ).rejects.toMatchObject({ name: 'NoSuchUpload' });
    expect((await store.client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads ?? []).toEqual([]);
    // no spooled bodies left behind in the store's folder
    expect(readdirSync(store.dir).sort()).toEqual([BUCKET]);
  });
  it('replaces a part sent again, assembles only the parts named, and leaves no temporary files', async () => {
    const key = 'mp/replaced.bin';
    const first = bytes(5 * 1024 * 1024, 7);
    const second = bytes(5 * 1024 * 1024, 8);
    const tail = bytes(99, 9);
    const { UploadId } = await store.client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    const old = await store.client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: first }));
    // CRC32 part checksums are checked too; algorithms the store cannot check are refused, not stored unchecked
    const crc = (b: Uint8Array) => Buffer.from(zlib.crc32(b).toString(16).padStart(8, '0'), 'hex').toString('base64');
    await expect(
      store.client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: second, ChecksumCRC32: crc(first) })),
    ).rejects.toMatchObject({ name: 'BadDigest' });
    await expect(
      store.client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: second, ChecksumCRC32C: 'AAAAAA==' })),
    ).rejects.toMatchObject({ name: 'NotImplemented' });
    const now = await store.client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: second, ChecksumCRC32: crc(second) }));
    expect(now.ChecksumCRC32).toBe(crc(second));
    await store.client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 2, Body: tail }));
    const listed = await store.client.send(new ListPartsCommand({ Bucket: BUCKET, Key: key, UploadId }));
    expect(listed.Parts?.map((p) => [p.PartNumber, p.ETag, p.ChecksumCRC32])).toEqual([
      [1, now.ETag, crc(second)],
      [2, expect.any(String), undefined],
    ]);
    await expect(
      store.client.send(
        new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: old.ETag }] } }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidPart',
    });
    // part 2 was uploaded but is not named: S3 leaves it out of the object
    await store.client.send(
      new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: now.ETag }] } }),
    );
    const got = await store.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(second)).toBe(true);
    // a part for the finished upload does not bring it back
    await expect(store.client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 3, Body: tail }))).rejects.toMatchObject({
      name: 'NoSuchUpload',
    });
    expect((await store.client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads ?? []).toEqual([]);
    const leftovers = readdirSync(join(store.dir, BUCKET), { recursive: true })
      .map(String)
      .filter((f) => f.includes('.tmp-'));
    expect(leftovers).toEqual([]);
  });
});
