import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/lib/db';
import { headObject, putObject } from '@/lib/storage/objects';
import { createTestProject, type TestProject } from '@/test/test-project';
import { UploadApi } from './client/upload-api';
import { partChecksum } from './client/hash-source';
import { dispatchFetch } from './test/dispatch-api';
import { makeNifti } from './test/make-nifti';
import { sweepAbandonedUploads } from './sweep-abandoned-uploads';
import { uploadFiles } from '@/db/schema';
import { eq } from 'drizzle-orm';

let tp: TestProject;
let other: TestProject;
const BASE = 'http://segflow.test';
const call = (token: string, method: string, path: string, body?: unknown) =>
  dispatchFetch(BASE)(`${BASE}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const put = (url: string, headers: Record<string, string>, body: Uint8Array) => fetch(url, { method: 'PUT', headers, body: body as Uint8Array<ArrayBuffer> });

beforeAll(async () => {
  tp = await createTestProject(getDb());
  other = await createTestProject(getDb());
});

async function openUpload(p = tp) {
  const api = new UploadApi({ baseUrl: BASE, token: p.users.researcher.token, fetch: dispatchFetch(BASE) });
  return { api, upload: await api.createUpload(p.slug) };
}

describe('what the upload API refuses', () => {
  it('refuses a body whose SHA-256 differs from the declared one at the store, and again at completion', async () => {
    const { api, upload } = await openUpload();
    const good = makeNifti([64, 64, 8]);
    const bad = new Uint8Array(good);
    bad[bad.length - 1] ^= 0xff;
    const file = await api.registerFile(upload.id, { name: 'vol.nii', size: good.length, sha256: sha(good) });
    const signed = await api.sign(upload.id, file.id);
    expect(signed.headers['x-amz-checksum-sha256']).toBe(Buffer.from(sha(good), 'hex').toString('base64'));
    // the store checks the signed checksum and keeps nothing
    const res = await put(signed.url, signed.headers, bad);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/<Code>BadDigest<\/Code>/);
    const [row] = await getDb().select().from(uploadFiles).where(eq(uploadFiles.id, file.id));
    expect(await headObject(row.key)).toBeNull();

    // a store that does not check checksums: the server's own check on completion still rejects it
    await putObject({ key: row.key, body: bad });
    const out = await call(tp.users.researcher.token, 'POST', `/api/uploads/${upload.id}/files/${file.id}/complete`, {});
    expect(out.status).toBe(422);
    const body = (await out.json()) as { file: { status: string; error: string } };
    expect(body.file).toMatchObject({ status: 'rejected', error: 'vol.nii: SHA-256 of the stored bytes does not match the declared checksum' });
    expect(await headObject(row.key)).toBeNull();
  });

  it('refuses an oversize part at the store (the signed Content-Length), keeping the file resumable', async () => {
    const { api, upload } = await openUpload();
    const bytes = makeNifti([256, 256, 136]); // 17 MiB: parts of 8 + 8 + 1 MiB
    const file = await api.registerFile(upload.id, { name: 'big.nii', size: bytes.length, sha256: sha(bytes) });
    expect(file).toMatchObject({ multipart: true, partCount: 3, partSize: 8 * 1024 * 1024 });
    const part1 = bytes.subarray(0, file.partSize);
    const signed = await api.sign(upload.id, file.id, { partNumber: 1 });
    expect(signed.contentLength).toBe(file.partSize);
    expect(new URL(signed.url).searchParams.get('X-Amz-SignedHeaders')).toContain('content-length');
    const tooBig = new Uint8Array(part1.length + 1000);
    tooBig.set(part1);
    const res = await put(signed.url, signed.headers, tooBig);
    expect(res.status).toBe(403);
    // nothing of it was stored: completing names every part as missing
    const out = await call(tp.users.researcher.token, 'POST', `/api/uploads/${upload.id}/files/${file.id}/complete`, {});
    expect(out.status).toBe(409);
    expect(((await out.json()) as { error: { message: string } }).error.message).toBe('big.nii: parts 1, 2, 3 of 3 not uploaded yet');
    // the right bytes for the same part still go through
    expect((await put(signed.url, signed.headers, part1)).ok).toBe(true);
  });

  it('refuses an expired URL', async () => {
    const { api, upload } = await openUpload();
    const bytes = makeNifti([8, 8, 8]);
    const file = await api.registerFile(upload.id, { name: 'tiny.nii', size: bytes.length, sha256: sha(bytes) });
    process.env.SEGFLOW_UPLOAD_URL_TTL_S = '1';
    // a controlled clock: the URL is signed a minute in the past (only Date is faked, so I/O runs
    // as usual), and with a one-second life it has expired when the real clock sends it
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() - 60_000 });
    try {
      const signed = await api.sign(upload.id, file.id);
      vi.useRealTimers();
      expect(new URL(signed.url).searchParams.get('X-Amz-Expires')).toBe('1');
      const res = await put(signed.url, signed.headers, bytes);
      expect(res.status).toBe(403);
      expect(await res.text()).toMatch(/expired/);
    } finally {
      vi.useRealTimers();
      delete process.env.SEGFLOW_UPLOAD_URL_TTL_S;
    }
    const fresh = await api.sign(upload.id, file.id);
    expect(Number(new URL(fresh.url).searchParams.get('X-Amz-Expires'))).toBeLessThanOrEqual(900);
  });

  it('answers 400 with a reason to a file name holding control characters (NUL, newline, escape)', async () => {
    const { upload } = await openUpload();
    const mine = makeNifti([8, 8, 8]);
    for (const name of ['a\u0000b.nii', 'line\nbreak.nii', 'esc\u001b[31m.nii', 'del\u007f.nii']) {
      const res = await call(tp.users.researcher.token, 'POST', `/api/uploads/${upload.id}/files`, { name, size: mine.length, sha256: sha(mine) });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('invalid_input');
      expect(body.error.message).toMatch(/name.*control characters/);
    }
  });

  it('never signs a key outside the upload: URLs name the server-made key only', async () => {
    const { api, upload } = await openUpload();
    const mine = makeNifti([8, 8, 8]);
    const file = await api.registerFile(upload.id, { name: '../../etc/passwd.nii', size: mine.length, sha256: sha(mine) });
    const signed = await api.sign(upload.id, file.id);
    expect(new URL(signed.url).pathname).toMatch(new RegExp(`/raw-phi/${tp.id}/${upload.studyId}/${upload.id}/0$`));
    // a file of another upload through this upload's path, and another project's upload: not found
    const theirs = await openUpload(other);
    const theirFile = await theirs.api.registerFile(theirs.upload.id, { name: 'x.nii', size: mine.length, sha256: sha(mine) });
    expect((await call(tp.users.researcher.token, 'POST', `/api/uploads/${upload.id}/files/${theirFile.id}/sign`, {})).status).toBe(404);
    expect((await call(tp.users.researcher.token, 'POST', `/api/uploads/${theirs.upload.id}/files/${theirFile.id}/sign`, {})).status).toBe(404);
    // a signed URL moved to another key is refused by the store
    const moved = new URL(signed.url);
    moved.pathname = moved.pathname.replace(/\/0$/, '/1');
    const movedRes = await put(moved.toString(), signed.headers, mine);
    expect(movedRes.status).toBe(403);
    expect(await movedRes.text()).toMatch(/SignatureDoesNotMatch/);
    // a client-chosen key is not an input: it is ignored, the key stays the server's
    const res = await call(tp.users.researcher.token, 'POST', `/api/uploads/${upload.id}/files/${file.id}/sign`, { key: 'raw-phi/elsewhere/x' });
    expect(new URL(((await res.json()) as { url: string }).url).pathname).toBe(new URL(signed.url).pathname);
  });

  it('refuses to complete a multipart file with parts missing, and leaves it resumable', async () => {
    const { api, upload } = await openUpload();
    const bytes = makeNifti([256, 256, 136]);
    const file = await api.registerFile(upload.id, { name: 'parts.nii', size: bytes.length, sha256: sha(bytes) });
    const body = bytes.subarray(0, file.partSize);
    const checksum = await partChecksum(body);
    expect(checksum).toBe(Buffer.from(zlib.crc32(body).toString(16).padStart(8, '0'), 'hex').toString('base64'));
    const signed = await api.sign(upload.id, file.id, { partNumber: 1, partCrc32: checksum });
    expect(signed.headers['x-amz-checksum-crc32']).toBe(checksum);
    // a part damaged on the way does not match its signed CRC32: the store keeps nothing
    const damaged = new Uint8Array(body);
    damaged[1000] ^= 0x10;
    const bad = await put(signed.url, signed.headers, damaged);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/<Code>BadDigest<\/Code>/);
    expect((await api.parts(upload.id, file.id)).parts).toEqual([]);
    const res = await put(signed.url, signed.headers, body);
    expect(res.ok).toBe(true);
    const out = await call(tp.users.researcher.token, 'POST', `/api/uploads/${upload.id}/files/${file.id}/complete`, {
      parts: [{ partNumber: 1, etag: res.headers.get('etag') }],
    });
    expect(out.status).toBe(409);
    expect(((await out.json()) as { error: { message: string } }).error.message).toBe('parts.nii: parts 2, 3 of 3 not uploaded yet');
    expect((await api.getUpload(upload.id)).files[0].status).toBe('uploading'); // still open: the client can send the rest
  });

  it('rejects empty, too large and duplicate files with a clear reason, and the upload goes on', async () => {
    const { api, upload } = await openUpload();
    const a = makeNifti([8, 8, 8]);
    const first = await api.registerFile(upload.id, { name: 'a.nii', size: a.length, sha256: sha(a) });
    const dup = await api.registerFile(upload.id, { name: 'copy-of-a.nii', size: a.length, sha256: sha(a) });
    const empty = await api.registerFile(upload.id, { name: 'empty.nii', size: 0, sha256: sha(new Uint8Array()) });
    const huge = await api.registerFile(upload.id, { name: 'huge.nii', size: 5 * 1024 ** 3, sha256: `${sha(a)}` });
    expect(first.status).toBe('uploading'); // registered with its presigned URL
    expect(dup).toMatchObject({ status: 'rejected', error: 'copy-of-a.nii: duplicate of a.nii, already in this upload or study (same SHA-256)' });
    expect(empty).toMatchObject({ status: 'rejected', error: 'empty.nii: the file is empty' });
    expect(huge).toMatchObject({ status: 'rejected', error: expect.stringMatching(/^huge\.nii: .* too large/) });
    const signed = await api.sign(upload.id, first.id);
    expect((await put(signed.url, signed.headers, a)).ok).toBe(true);
    expect((await api.completeFile(upload.id, first.id)).status).toBe('verified');
    const summary = await api.finish(upload.id);
    expect(summary.volumes).toHaveLength(1);
    expect(summary.rejected.map((r) => r.file)).toEqual(['copy-of-a.nii', 'empty.nii', 'huge.nii']);
  });

  it('sweeps abandoned multipart uploads', async () => {
    const { api, upload } = await openUpload();
    const bytes = makeNifti([256, 256, 136]);
    const file = await api.registerFile(upload.id, { name: 'left.nii', size: bytes.length, sha256: sha(bytes) });
    expect((await sweepAbandonedUploads(getDb())).files).toBe(0);
    await getDb()
      .update(uploadFiles)
      .set({ updatedAt: new Date(Date.now() - 2 * 86_400_000) })
      .where(eq(uploadFiles.id, file.id));
    const swept = await sweepAbandonedUploads(getDb());
    expect(swept.files).toBeGreaterThanOrEqual(1);
    const [row] = await getDb().select().from(uploadFiles).where(eq(uploadFiles.id, file.id));
    expect(row.status).toBe('aborted');
    expect((await call(tp.users.researcher.token, 'POST', `/api/uploads/${upload.id}/files/${file.id}/sign`, { partNumber: 1 })).status).toBe(409);
  });
});

describe('who may upload', () => {
  it('answers 403 to a reviewer on every upload endpoint, and 404 to an outsider', async () => {
    const { api, upload } = await openUpload();
    const bytes = makeNifti([8, 8, 8]);
    const file = await api.registerFile(upload.id, { name: 'r.nii', size: bytes.length, sha256: sha(bytes) });
    const endpoints: [string, string, unknown?][] = [
      ['POST', `/api/projects/${tp.slug}/uploads`, {}],
      ['GET', `/api/uploads/${upload.id}`],
      ['POST', `/api/uploads/${upload.id}/files`, { name: 'x.nii', size: 10, sha256: sha(bytes) }],
      ['POST', `/api/uploads/${upload.id}/files/batch`, { files: [{ name: 'x.nii', size: 10, sha256: sha(bytes) }] }],
      ['POST', `/api/uploads/${upload.id}/files/batch/complete`, { files: [file.id] }],
      ['POST', `/api/uploads/${upload.id}/files/${file.id}/sign`, {}],
      ['GET', `/api/uploads/${upload.id}/files/${file.id}/parts`],
      ['POST', `/api/uploads/${upload.id}/files/${file.id}/complete`, {}],
      ['POST', `/api/uploads/${upload.id}/files/${file.id}/abort`, {}],
      ['POST', `/api/uploads/${upload.id}/complete`, {}],
      ['GET', `/api/studies/${upload.studyId}`],
    ];
    for (const [method, path, body] of endpoints) {
      const res = await call(tp.users.reviewer.token, method, path, body);
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 403 });
      const out = await call(tp.outsider.token, method, path, body);
      expect({ method, path, status: out.status }).toEqual({ method, path, status: 404 });
    }
    // the admin may; the file is as its registration left it (signed: uploading) after all those refusals
    expect((await call(tp.users.admin.token, 'GET', `/api/uploads/${upload.id}`)).status).toBe(200);
    expect((await api.getUpload(upload.id)).files).toEqual([expect.objectContaining({ id: file.id, status: 'uploading' })]);
  });
});
