// The embedded S3 server checks presigned URLs as S3 does: signature, expiry, signed length and
// checksum, CORS. The SDK calls and multipart uploads are in s3-server-sdk.test.ts.
import { connect } from 'node:net';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, it } from 'vitest';
import { BUCKET, bytes, guardedS3PerFile, put, SIGNED, sha256b64 } from './test/guarded-s3';

const store = guardedS3PerFile();

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
    store.client,
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

/** raw HTTP: a Content-Length header that the body does not fill, then the store.client stops sending */
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

describe('embedded S3: presigned URLs are verified at the store', () => {
  it('accepts a valid presigned PUT and stores exactly the body', async () => {
    const body = bytes(1000);
    const { url, headers } = await presignPut('ok/a.bin', body);
    const res = await put(url, headers, body);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-checksum-sha256')).toBe(sha256b64(body));
    const got = await store.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'ok/a.bin' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.from(body))).toBe(true);
  });

  it('verifies keys that need escaping (spaces, unicode, reserved characters) in presigned and SDK requests', async () => {
    const key = "odd keys/ünï cødé (1) + 'x'*~!.bin";
    const body = bytes(50);
    const { url, headers } = await presignPut(key, body);
    expect((await put(url, headers, body)).status).toBe(200);
    const got = await store.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
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
    expect(await store.exists('tamper/a.bin')).toBe(false);
    expect(await store.exists('tamper/b.bin')).toBe(false);
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
    expect(await store.exists('expired.bin')).toBe(false);
  });

  it('refuses a body longer or shorter than the signed Content-Length, and stores nothing', async () => {
    const body = bytes(4096);
    const { url, headers } = await presignPut('len/a.bin', body, 300, false);
    const longer = await put(url, headers, new Uint8Array([...body, 1, 2, 3]));
    expect(longer.status).toBe(403);
    expect(await longer.text()).toMatch(/SignatureDoesNotMatch/);
    const shorter = await put(url, headers, body.subarray(0, 4000));
    expect(shorter.status).toBe(403);
    expect(await store.exists('len/a.bin')).toBe(false);

    // the signed length in the header, but the store.client stops early: nothing is stored
    const raw = await rawPut(url, headers, body.length, body.subarray(0, 1000));
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
    await store.s3.settled(); // the refused request has ended, with whatever cleanup it does
    expect(await store.exists('len/a.bin')).toBe(false);
  });

  it('refuses a body whose SHA-256 does not match the signed x-amz-checksum-sha256 (400 BadDigest)', async () => {
    const good = bytes(2048);
    const { url, headers } = await presignPut('sum/a.bin', good);
    const bad = new Uint8Array(good);
    bad[10] ^= 0xff;
    const res = await put(url, headers, bad);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/<Code>BadDigest<\/Code>/);
    expect(await store.exists('sum/a.bin')).toBe(false);
    // a checksum header sent but not signed is refused too
    const plain = await presignPut('sum/b.bin', good, 300, false);
    const unsigned = await put(plain.url, { ...plain.headers, 'x-amz-checksum-sha256': sha256b64(good) }, good);
    expect(unsigned.status).toBe(403);
    expect(await store.exists('sum/b.bin')).toBe(false);
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
    const res = await fetch(`${store.s3.endpoint}/${BUCKET}/anon.bin`, { method: 'PUT', body: 'x' });
    expect(res.status).toBe(403);
    expect((await fetch(`${store.s3.endpoint}/${BUCKET}/ok/a.bin`)).status).toBe(403);
  });
});
