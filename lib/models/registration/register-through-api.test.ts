/**
 * Registration through the API against the real route handlers, PostgreSQL, the embedded versioned
 * store and the real model: files go to the store with presigned PUTs, completion validates the
 * staged objects, and nothing of them stays behind, accepted or refused.
 */
import { ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { auditEvents, modelRegistrations } from '@/db/schema';
import { getDb } from '@/lib/db';
import { getObjectBytes } from '@/lib/storage/objects';
import { getStorage } from '@/lib/storage/s3-client';
import { createTestProject, type TestProject } from '@/test/test-project';
import { REPO_ROOT } from '@/workers/inference/testing/fixtures';
import { type RegistrationApiError, registerViaApi, type RegisterViaApiOptions } from './client/register-via-api';
import type { StagedRegistrationDto } from './schemas';
import { sweepStagedRegistrations } from './sweep-staged-registrations';
import { dispatchRegistrationFetch } from './test/registration-routes';

const FP16 = join(REPO_ROOT, 'models/brain-tissue-fp16');
const onnx = { name: 'model.onnx', bytes: new Uint8Array(readFileSync(join(FP16, 'model.onnx'))) };
const specText = readFileSync(join(FP16, 'spec.json'), 'utf8');
const spec = { name: 'spec.json', bytes: new TextEncoder().encode(specText) };
// the checks themselves, as this process would run them: it must not (they run in a child process)
const inThisProcess = vi.hoisted(() => ({ checks: 0 }));
vi.mock('../register-model-version', async (original) => {
  const real = await original<typeof import('../register-model-version')>();
  return {
    ...real,
    checkModelVersion: (...args: Parameters<typeof real.checkModelVersion>) => {
      inThisProcess.checks++;
      return real.checkModelVersion(...args);
    },
  };
});

let tp: TestProject;
const model = `reg-${randomBytes(3).toString('hex')}`;
const register = (token: string, o: Partial<RegisterViaApiOptions>) =>
  registerViaApi({ baseUrl: 'http://segflow.test', token, fetch: dispatchRegistrationFetch(), model, version: '1.0.0', onnx, spec, references: [], ...o });

/** every version and delete marker left under a registration's staging prefix */
async function leftInStaging(registrationId: string): Promise<number> {
  const { client, settings } = getStorage();
  const res = await client.send(new ListObjectVersionsCommand({ Bucket: settings.bucket, Prefix: `models/_staging/${registrationId}/` }));
  return (res.Versions?.length ?? 0) + (res.DeleteMarkers?.length ?? 0);
}
const lastRegistration = async () =>
  (await getDb().select().from(modelRegistrations).where(eq(modelRegistrations.modelName, model))).sort((a, b) => +b.createdAt - +a.createdAt)[0];

beforeAll(async () => {
  tp = await createTestProject(getDb());
});

describe('POST /api/models/:model/versions (staged, presigned) and …/complete', () => {
  it('creates the version from the staged objects, copies the artifact inside the store, audits it, and leaves nothing staged', async () => {
    const out = await register(tp.users.operator.token, { project: tp.slug });
    expect(out.status).toBe('accepted');
    if (out.status !== 'accepted') return;
    expect(out).toMatchObject({ created: true, version: { model, version: '1.0.0', status: 'validated' } });
    expect(out.version.evidence).toMatchObject({ graph: { opset: expect.any(Number) }, testRun: { outputDims: [1, 3, 16, 16, 16] }, parity: null });
    // checked in a child process (segflow models check-staged): onnxruntime would stop this one's event loop meanwhile
    expect(inThisProcess.checks).toBe(0);
    const stored = await getObjectBytes({ key: `models/${model}/1.0.0/model.onnx` });
    expect(Buffer.from(stored).equals(Buffer.from(onnx.bytes))).toBe(true);
    const reg = await lastRegistration();
    expect(reg).toMatchObject({ status: 'accepted', versionId: out.version.id, projectId: tp.id });
    expect(await leftInStaging(reg.id)).toBe(0);
    const events = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'model.version.register'), eq(auditEvents.targetId, `${model}@1.0.0`)));
    expect(events.map((e) => [e.outcome, e.projectId, (e.details as { outcome?: string }).outcome])).toEqual([['success', tp.id, 'accepted']]);

    // the same bytes again: the existing version
    const again = await register(tp.users.admin.token, {});
    expect(again).toMatchObject({ status: 'accepted', created: false, version: { id: out.version.id } });
    // other bytes under that version number: refused, naming the conflict
    const other = await register(tp.users.operator.token, {
      onnx: { name: 'degraded.onnx', bytes: readFileSync(join(REPO_ROOT, 'models/brain-tissue-degraded/model.onnx')) },
    });
    expect(other).toMatchObject({
      status: 'refused',
      reasons: [{ message: expect.stringMatching(`^${model}@1\\.0\\.0 is already registered with different content`) }],
    });
  });

  it('refuses a spec with a bad field, naming the file and the field, and deletes the staged objects', async () => {
    const bad = { name: 'my-spec.json', bytes: new TextEncoder().encode(JSON.stringify({ ...JSON.parse(specText), labels: [] })) };
    const out = await register(tp.users.operator.token, { version: '2.0.0', spec: bad });
    expect(out).toMatchObject({
      status: 'refused',
      reasons: [{ file: 'my-spec.json', field: 'labels', message: expect.stringMatching(/^my-spec\.json: labels: /) }],
    });
    const reg = await lastRegistration();
    expect(reg.status).toBe('refused');
    expect(await leftInStaging(reg.id)).toBe(0);
    // a file that is not a model: refused naming it
    const notOnnx = await register(tp.users.operator.token, { version: '2.0.1', onnx: { name: 'notes.onnx', bytes: new TextEncoder().encode('not a model') } });
    expect(notOnnx).toMatchObject({ status: 'refused', reasons: [{ message: expect.stringContaining(`${model}@2.0.1/model.onnx`) }] });
  });

  it('answers a conflict naming the file not sent yet, and completes once it is', async () => {
    const f = dispatchRegistrationFetch();
    const post = (path: string, body: unknown) =>
      f(`http://segflow.test${path}`, { method: 'POST', headers: { authorization: `Bearer ${tp.users.operator.token}` }, body: JSON.stringify(body) });
    const sha = async (b: Uint8Array) => Buffer.from(await crypto.subtle.digest('SHA-256', b as Uint8Array<ArrayBuffer>)).toString('hex');
    const staged = await post(`/api/models/${model}/versions`, {
      version: '3.0.0',
      onnx: { name: 'model.onnx', size: onnx.bytes.byteLength, sha256: await sha(onnx.bytes) },
      spec: { name: 'spec.json', size: spec.bytes.byteLength, sha256: await sha(spec.bytes) },
    });
    expect(staged.status).toBe(200);
    const { registration } = (await staged.json()) as { registration: StagedRegistrationDto };
    expect(registration.files.map((x) => x.upload.url.split('?')[0].endsWith(`models/_staging/${registration.id}/${registration.files.indexOf(x)}`))).toEqual([
      true,
      true,
    ]);
    const put = (i: number, body: Uint8Array) =>
      fetch(registration.files[i].upload.url, { method: 'PUT', headers: registration.files[i].upload.headers, body: body as Uint8Array<ArrayBuffer> });
    expect((await put(0, onnx.bytes)).status).toBe(200);
    const early = await post(registration.complete, { registration: registration.id });
    expect(early.status).toBe(409);
    expect(((await early.json()) as { error: { message: string } }).error.message).toBe('not uploaded yet: spec.json; send it, then complete again');
    // the presigned PUT is bound to the declared bytes: others are refused by the store
    expect((await put(1, new TextEncoder().encode('{}'))).status).toBeGreaterThanOrEqual(400);
    expect((await put(1, spec.bytes)).status).toBe(200);
    const done = await post(registration.complete, { registration: registration.id });
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ status: 'accepted', created: true, version: { version: '3.0.0' } });
  });

  it('sweeps a registration staged and never completed once it expired: recorded as refused, its objects deleted', async () => {
    const f = dispatchRegistrationFetch();
    const sha = createHash('sha256').update(onnx.bytes).digest('hex');
    const res = await f(`http://segflow.test/api/models/${model}/versions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tp.users.operator.token}` },
      body: JSON.stringify({
        version: '5.0.0',
        onnx: { name: 'model.onnx', size: onnx.bytes.byteLength, sha256: sha },
        spec: { name: 'spec.json', size: spec.bytes.byteLength, sha256: createHash('sha256').update(spec.bytes).digest('hex') },
      }),
    });
    const { registration } = (await res.json()) as { registration: StagedRegistrationDto };
    const put = registration.files[0].upload;
    expect((await fetch(put.url, { method: 'PUT', headers: put.headers, body: onnx.bytes as Uint8Array<ArrayBuffer> })).status).toBe(200);
    expect(await leftInStaging(registration.id)).toBe(1);
    expect(await sweepStagedRegistrations(getDb())).toBeGreaterThanOrEqual(0);
    expect((await lastRegistration()).status).toBe('staged'); // not expired yet: untouched
    await getDb()
      .update(modelRegistrations)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(modelRegistrations.id, registration.id));
    expect(await sweepStagedRegistrations(getDb())).toBeGreaterThanOrEqual(1);
    const [swept] = await getDb().select().from(modelRegistrations).where(eq(modelRegistrations.id, registration.id));
    expect(swept).toMatchObject({ status: 'refused', result: { reasons: [{ message: 'expired before it was completed; register again' }] } });
    expect(await leftInStaging(registration.id)).toBe(0);
  });

  it('lets only operators and admins register, and only in their own projects', async () => {
    await expect(register(tp.users.researcher.token, { version: '4.0.0' })).rejects.toMatchObject({ status: 403 } satisfies Partial<RegistrationApiError>);
    await expect(register(tp.users.reviewer.token, { version: '4.0.0', project: tp.slug })).rejects.toMatchObject({ status: 403 });
    const other = await createTestProject(getDb());
    await expect(register(tp.users.operator.token, { version: '4.0.0', project: other.slug })).rejects.toMatchObject({ status: 404 });
    // another operator cannot complete someone else's staged registration
    const f = dispatchRegistrationFetch();
    const reg = await lastRegistration();
    const res = await f(`http://segflow.test/api/models/${model}/versions/${reg.version}/complete`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tp.users.admin.token}` },
      body: JSON.stringify({ registration: reg.id }),
    });
    expect(res.status).toBe(404);
  });
});
