import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { storedObjects, uploadFiles } from '@/db/schema';
import { getDb } from '@/lib/db';
import { headObject } from '@/lib/storage/objects';
import { createTestProject, type TestProject } from '@/test/test-project';
import { UploadApi } from './client/upload-api';
import { dispatchFetch } from './test/dispatch-api';
import { makeNifti } from './test/make-nifti';

const BASE = 'http://segflow.test';
let tp: TestProject;
beforeAll(async () => {
  tp = await createTestProject(getDb());
});

describe('completing the same file twice at once (a client retry after a timeout)', () => {
  it('verifies it once, keeps the object, and answers both requests with the outcome', async () => {
    const api = new UploadApi({ baseUrl: BASE, token: tp.users.researcher.token, fetch: dispatchFetch(BASE) });
    const upload = await api.createUpload(tp.slug);
    const bytes = makeNifti([32, 32, 8]);
    const file = await api.registerFile(upload.id, { name: 'twice.nii', size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    const signed = await api.sign(upload.id, file.id);
    expect((await fetch(signed.url, { method: 'PUT', headers: signed.headers, body: bytes as Uint8Array<ArrayBuffer> })).ok).toBe(true);

    const complete = () =>
      dispatchFetch(BASE)(`${BASE}/api/uploads/${upload.id}/files/${file.id}/complete`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tp.users.researcher.token}`, 'content-type': 'application/json' },
        body: '{}',
      });
    const [a, b] = await Promise.all([complete(), complete()]);
    expect([a.status, b.status]).toEqual([200, 200]);
    for (const res of [a, b]) expect(((await res.json()) as { file: { status: string } }).file.status).toBe('verified');

    const [row] = await getDb().select().from(uploadFiles).where(eq(uploadFiles.id, file.id));
    expect(row.status).toBe('verified');
    expect(await getDb().select().from(storedObjects).where(eq(storedObjects.key, row.key))).toHaveLength(1);
    expect(await headObject(row.key)).not.toBeNull();
  });
});
