import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, uploadFiles } from '@/db/schema';
import { getDb } from '@/lib/db';
import { putObject } from '@/lib/storage/objects';
import { createTestProject, type TestProject } from '@/test/test-project';
import { UploadApi } from './client/upload-api';
import { MAX_BATCH_FILES } from './limits';
import { dispatchFetch } from './test/dispatch-api';
import { makeNifti } from './test/make-nifti';

let tp: TestProject;
const BASE = 'http://segflow.test';
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const put = (url: string, headers: Record<string, string>, body: Uint8Array) => fetch(url, { method: 'PUT', headers, body: body as Uint8Array<ArrayBuffer> });

beforeAll(async () => {
  tp = await createTestProject(getDb());
});

async function openUpload() {
  const api = new UploadApi({ baseUrl: BASE, token: tp.users.researcher.token, fetch: dispatchFetch(BASE) });
  return { api, upload: await api.createUpload(tp.slug) };
}

/** state-changing audit events of this upload, by action (the batch routes write one per request) */
async function auditedOf(uploadId: string, action: string): Promise<number> {
  const [{ n }] = await getDb()
    .select({ n: sql<number>`count(*)::int` })
    .from(auditEvents)
    .where(and(eq(auditEvents.action, action), eq(auditEvents.targetId, uploadId)));
  return n;
}

describe('batch declaration and completion (the CLI and the page send small files this way)', () => {
  it('declares files in one request, each with its own answer and a URL when it goes in one PUT, and completes them in one, each with its own outcome', async () => {
    const { api, upload } = await openUpload();
    const [a, b, c] = [makeNifti([16, 16, 8]), makeNifti([16, 16, 9]), makeNifti([16, 16, 10])];
    const declared = await api.registerFiles(upload.id, [
      { name: 'a.nii', size: a.length, sha256: sha(a) },
      { name: 'b.nii', size: b.length, sha256: sha(b) },
      { name: 'copy-of-a.nii', size: a.length, sha256: sha(a) },
      { name: 'c.nii', size: c.length, sha256: sha(c) },
    ]);
    expect(declared.map((d) => [d.file.name, d.file.status, d.signed !== null])).toEqual([
      ['a.nii', 'uploading', true],
      ['b.nii', 'uploading', true],
      ['copy-of-a.nii', 'rejected', false],
      ['c.nii', 'uploading', true],
    ]);
    expect(declared[2].file.error).toBe('copy-of-a.nii: duplicate of a.nii, already in this upload or study (same SHA-256)');
    expect(await auditedOf(upload.id, 'upload.file.register')).toBe(1);

    // a is sent with the URL its declaration brought; b's key gets other bytes (past the URL's checks); c is not sent
    const [da, db, , dc] = declared;
    expect((await put(da.signed!.url, da.signed!.headers, a)).ok).toBe(true);
    const [row] = await getDb().select({ key: uploadFiles.key }).from(uploadFiles).where(eq(uploadFiles.id, db.file.id));
    await putObject({ key: row.key, body: makeNifti([16, 16, 11]).subarray(0, b.length) });
    const done = await api.completeFiles(upload.id, [da.file.id, db.file.id, dc.file.id]);
    expect(done).toEqual([
      { id: da.file.id, file: expect.objectContaining({ status: 'verified', error: null }) },
      {
        id: db.file.id,
        file: expect.objectContaining({ status: 'rejected', error: 'b.nii: SHA-256 of the stored bytes does not match the declared checksum' }),
      },
      { id: dc.file.id, error: { code: 'conflict', message: 'c.nii: nothing was uploaded yet' } },
    ]);
    expect(await auditedOf(upload.id, 'upload.file.complete')).toBe(1);

    // c's own error left the others' outcome in place; c completes once sent, a again is still verified
    expect((await put(dc.signed!.url, dc.signed!.headers, c)).ok).toBe(true);
    const again = await api.completeFiles(upload.id, [dc.file.id, da.file.id]);
    expect(again.map((r) => ('file' in r ? r.file.status : r.error.code))).toEqual(['verified', 'verified']);
    const summary = await api.finish(upload.id);
    expect(summary.volumes).toHaveLength(2);
    expect(summary.rejected.map((r) => r.file).sort()).toEqual(['b.nii', 'copy-of-a.nii']);
  });

  it('refuses an empty batch, one over the limit, and a file of another upload (each in the user’s words)', async () => {
    const { api, upload } = await openUpload();
    const other = await openUpload();
    const x = makeNifti([8, 8, 8]);
    const theirs = await other.api.registerFile(other.upload.id, { name: 'x.nii', size: x.length, sha256: sha(x) });
    await expect(api.registerFiles(upload.id, [])).rejects.toMatchObject({ status: 400, code: 'invalid_input', message: expect.stringMatching(/^files/) });
    const many = Array.from({ length: MAX_BATCH_FILES + 1 }, (_, i) => ({ name: `f${i}.nii`, size: 10, sha256: sha(new Uint8Array([i])) }));
    await expect(api.registerFiles(upload.id, many)).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/^files/) });
    expect(await api.completeFiles(upload.id, [theirs.id])).toEqual([
      { id: theirs.id, error: { code: 'not_found', message: `file ${theirs.id} is not part of upload ${upload.id}` } },
    ]);
  });
});
