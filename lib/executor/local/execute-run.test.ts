import { createHash, generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as runsRoute from '@/app/api/projects/[project]/runs/route';
import * as runRoute from '@/app/api/runs/[run]/route';
import { comparisons, runs, runSteps } from '@/db/schema';
import type { RunDetailDto } from '@/lib/runs/schemas';
import { routeRequest, type RouteTable } from '@/test/route-server';
import { getDb } from '@/lib/db';
import { readNiftiWithHeader } from '@/lib/imaging/nifti/read-nifti';
import { ZSignedManifest } from '@/lib/manifests/sign-manifest';
import { verifyManifest } from '@/lib/manifests/verify-manifest';
import { rawPublicKey, loadSigningKey } from '@/lib/manifests/signing-key';
import { registerModelVersion } from '@/lib/models/register-model-version';
import { setSlotVersion } from '@/lib/models/set-slot-version';
import { submitRun } from '@/lib/runs/submit-run';
import type { TStepInvocation, TStepResult } from '@/lib/pipeline/step-contract';
import { getObjectBytes } from '@/lib/storage/objects';
import { UploadApi } from '@/lib/uploads/client/upload-api';
import { UploadEngine } from '@/lib/uploads/client/upload-engine';
import { dispatchFetch } from '@/lib/uploads/test/dispatch-api';
import { CT_SERIES_DIR, ctSeriesSources, fileSource, T1_NIFTI } from '@/lib/uploads/test/fixtures';
import { readDicomHeader } from '@/lib/imaging/dicom/read-dicom-header';
import { readNifti } from '@/lib/imaging/nifti/read-nifti';
import { identifyingValues, probeDatabase, probeDerivedObjects } from '@/test/phi-probe';
import { createTestProject, type TestProject } from '@/test/test-project';
import { runStep } from '@/workers/run-step';
import { executeRun } from './execute-run';
import { spawnStep, type StepContext } from './spawn-step';

let tp: TestProject;
let seriesId: string;
const modelName = `bt-${randomBytes(3).toString('hex')}`;

async function register(dir: string, stage: 'live' | 'shadow') {
  const spec = { ...JSON.parse(readFileSync(join(process.cwd(), 'models', dir, 'spec.json'), 'utf8')), name: modelName };
  const { version } = await registerModelVersion(getDb(), { model: readFileSync(join(process.cwd(), 'models', dir, 'model.onnx')), spec });
  await setSlotVersion(getDb(), { modelId: version.modelId, versionId: version.id, stage, reason: 'test' });
  return version;
}

beforeAll(async () => {
  process.env.SEGFLOW_MANIFEST_SIGNING_KEY = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  tp = await createTestProject(getDb());
  const api = new UploadApi({ baseUrl: 'http://segflow.test', token: tp.users.researcher.token, fetch: dispatchFetch() });
  const engine = new UploadEngine({ api, project: tp.slug });
  engine.add([fileSource(T1_NIFTI)]);
  const summary = await engine.run();
  seriesId = summary.volumes[0].id;
  await register('brain-tissue', 'live');
  await register('brain-tissue-fp16', 'shadow');
}, 120_000);

const RUN_ROUTES: RouteTable = [
  ['POST', /^\/api\/projects\/([^/]+)\/runs$/, ['project'], runsRoute.POST],
  ['GET', /^\/api\/runs\/([^/]+)$/, ['run'], runRoute.GET],
];
async function call(token: string, method: string, path: string, body?: unknown) {
  const res = await routeRequest(
    RUN_ROUTES,
    new Request(`http://segflow.test${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    }),
  );
  return { status: res.status, body: (await res.json()) as { run: RunDetailDto; created?: boolean } };
}
const submit = () => call(tp.users.researcher.token, 'POST', `/api/projects/${tp.slug}/runs`, { series: seriesId, model: modelName });

describe('a run through the local executor (child processes, real store, real model)', () => {
  it('segments with the live and the shadow model, compares them, and signs a manifest; the same submission returns the same run', async () => {
    const first = await submit();
    expect(first.status).toBe(201);
    const again = await submit();
    expect(again.status).toBe(200);
    expect(again.body.run.id).toBe(first.body.run.id);
    const [run] = await getDb().select().from(runs).where(eq(runs.id, first.body.run.id));

    const done = await executeRun(run.id);
    expect(done.error).toBeNull();
    expect(done.status).toBe('succeeded');
    const steps = await getDb().select().from(runSteps).where(eq(runSteps.runId, run.id));
    expect(Object.fromEntries(steps.map((s) => [s.name, [s.status, s.attempts]]))).toEqual({
      ingest: ['succeeded', 1],
      deidentify: ['succeeded', 1],
      convert: ['succeeded', 1],
      'infer-serving': ['succeeded', 1],
      'infer-shadow': ['succeeded', 1],
      compare: ['succeeded', 1],
      manifest: ['succeeded', 1],
    });

    // the de-identified copy is a fresh NIfTI: no free-text header fields carried over
    const deid = steps.find((s) => s.name === 'deidentify')!.outputs as { key: string }[];
    expect(deid[0].key).toBe(`derived/${tp.id}/${run.studyId}/runs/${run.id}/deidentify/volume.nii.gz`);
    const { header } = readNiftiWithHeader(await getObjectBytes({ key: deid[0].key }));
    expect(header.description).toBe('segflow'); // writeNifti's own, nothing carried over
    expect(header.voxOffset).toBe(352); // no extensions

    // fp16 shadow vs fp32 live: near-identical masks
    const [cmp] = await getDb().select().from(comparisons).where(eq(comparisons.runId, run.id));
    const labels = cmp.metrics as { name: string; dice: number }[];
    expect(labels.map((l) => l.name)).toEqual(['White Matter', 'Grey Matter']);
    for (const l of labels) expect(l.dice).toBeGreaterThan(0.99);
    // and where they differ: the difference labelmap and the per-slice counts (lib/metrics/mask-difference.ts)
    const cmpOutputs = steps.find((s) => s.name === 'compare')!.outputs as { name: string; key: string }[];
    expect(cmpOutputs.map((o) => o.name)).toEqual(['metrics.json', 'diff.nii.gz', 'disagreement.json']);
    const diffVol = readNifti(await getObjectBytes({ key: cmpOutputs[1].key }));
    const profile = JSON.parse(new TextDecoder().decode(await getObjectBytes({ key: cmpOutputs[2].key }))) as { total: number[] };
    expect(profile.total.reduce((a, b) => a + b, 0)).toBe(Array.from(diffVol.data).filter((v) => v >= 2).length);

    // the manifest: signed by the platform key, every step output listed with its hash
    expect(done.manifestKey).toBe(`manifests/${tp.id}/${run.id}.json`);
    const envelope = JSON.parse(new TextDecoder().decode(await getObjectBytes({ key: done.manifestKey! })));
    const trusted = rawPublicKey(loadSigningKey()).toString('base64');
    expect(verifyManifest(envelope, { trustedPublicKeys: [trusted] })).toMatchObject({ ok: true, sha256: done.manifestSha256 });
    const m = ZSignedManifest.parse(envelope).manifest;
    expect(m.run).toMatchObject({ id: run.id, key: run.runKey, status: 'succeeded', submittedBy: { email: tp.users.researcher.email } });
    expect(m.inputs).toHaveLength(1);
    expect(m.inputs[0].key).toMatch(new RegExp(`^raw-phi/${tp.id}/`));
    expect(m.models.map((x) => [x.role, x.version])).toEqual([
      ['live', '1.0.0'],
      ['shadow', '1.0.0-fp16'],
    ]);
    const live = m.steps.find((s) => s.name === 'infer-serving')!;
    expect(live.outputs.map((o) => o.key.split('/').pop())).toEqual(['mask.nii.gz', 'volumes.json']);
    // outputs are what the manifest says they are: the SHA-256 of the stored bytes, for every step's outputs
    const listed = m.steps.flatMap((s) => s.outputs);
    expect(listed.length).toBeGreaterThan(live.outputs.length);
    for (const o of listed) {
      const bytes = await getObjectBytes({ key: o.key, versionId: o.versionId });
      expect(createHash('sha256').update(bytes).digest('hex'), o.key).toBe(o.sha256);
      expect(bytes.byteLength, o.key).toBe(o.size);
    }
    // through the API: a researcher sees the serving model's steps only, an operator also the shadow and the comparison
    const asResearcher = (await call(tp.users.researcher.token, 'GET', `/api/runs/${run.id}`)).body.run;
    expect(asResearcher.steps.map((x) => x.name)).toEqual(['ingest', 'deidentify', 'convert', 'infer-serving', 'manifest']);
    expect(asResearcher.shadow).toBeUndefined();
    expect(asResearcher.comparison).toBeUndefined();
    expect(JSON.stringify(asResearcher)).not.toContain('1.0.0-fp16');
    const asOperator = (await call(tp.users.operator.token, 'GET', `/api/runs/${run.id}`)).body.run;
    expect(asOperator.steps.map((x) => x.name)).toContain('infer-shadow');
    expect(asOperator.shadow).toEqual({ version: '1.0.0-fp16' });
    expect(asOperator.comparison?.map((c) => c.name)).toEqual(['White Matter', 'Grey Matter']);
    expect((await call(tp.users.reviewer.token, 'GET', `/api/runs/${run.id}`)).status).toBe(403);

    // tampering with the stored manifest is detected
    envelope.manifest.steps[0].attempts = 2;
    expect(verifyManifest(envelope, { trustedPublicKeys: [trusted] }).ok).toBe(false);
  }, 300_000);

  it('retries a failing step, and a step that keeps failing fails the run with the task named and skips the rest', async () => {
    // another model (live only, no shadow): a different run key, a new run, a DAG without compare
    const other = `${modelName}-solo`;
    const spec = { ...JSON.parse(readFileSync(join(process.cwd(), 'models/brain-tissue/spec.json'), 'utf8')), name: other };
    const { version } = await registerModelVersion(getDb(), { model: readFileSync(join(process.cwd(), 'models/brain-tissue/model.onnx')), spec });
    await setSlotVersion(getDb(), { modelId: version.modelId, versionId: version.id, stage: 'live', reason: 'test' });
    const submitOther = () => getDb().transaction((tx) => submitRun(tx, { projectId: tp.id, seriesId, model: other, submittedBy: tp.users.researcher.id }));
    const { run, created } = await submitOther();
    expect(created).toBe(true);
    const calls: string[] = [];
    const deidResults: TStepResult[] = [];
    const failing = async (inv: TStepInvocation, { env }: StepContext) => {
      calls.push(inv.task);
      if (inv.task === 'convert') throw new Error('disk full');
      Object.assign(process.env, env);
      const result = await runStep(inv);
      if (inv.task === 'deidentify') {
        deidResults.push(result);
        // dies after writing its outputs, the first time: the retry writes the same bytes to the same keys
        if (deidResults.length === 1) throw new Error('killed after writing');
      }
      return result;
    };
    const failed = await executeRun(run.id, { runWorkerStep: failing, retryDelayMs: 1 });
    expect(failed.status).toBe('failed');
    expect(failed.error).toBe('convert: disk full');
    expect(calls).toEqual(['ingest', 'deidentify', 'deidentify', 'convert', 'convert', 'convert']);
    expect(deidResults).toHaveLength(2);
    // the same bytes under the same keys; each write is its own version of the object (a versioned bucket)
    const content = (r: TStepResult) => r.outputs.map(({ versionId, ...o }) => o);
    expect(content(deidResults[1])).toEqual(content(deidResults[0]));
    expect(deidResults[1].outputs[0].versionId).not.toBe(deidResults[0].outputs[0].versionId);
    const steps = await getDb()
      .select()
      .from(runSteps)
      .where(and(eq(runSteps.runId, run.id)));
    const by = Object.fromEntries(steps.map((s) => [s.name, s]));
    expect(by.convert).toMatchObject({ status: 'failed', attempts: 3, error: 'disk full' });
    expect(Object.keys(by).sort()).toEqual(['convert', 'deidentify', 'infer-serving', 'ingest', 'manifest']);
    expect(by['infer-serving'].status).toBe('skipped');
    // the failure manifest was written: its step says so
    expect(by.manifest).toMatchObject({ status: 'succeeded', attempts: 1, error: null });
    expect(by.deidentify).toMatchObject({ status: 'succeeded', attempts: 2 });
    // the failed run's manifest says so, with the attempts and the error
    const envelope = JSON.parse(new TextDecoder().decode(await getObjectBytes({ key: failed.manifestKey! })));
    expect(verifyManifest(envelope).ok).toBe(true);
    const m = ZSignedManifest.parse(envelope).manifest;
    expect(m.run.status).toBe('failed');
    expect(m.steps.find((x) => x.name === 'convert')).toMatchObject({ status: 'failed', attempts: 3, error: 'disk full' });
    expect(m.steps.find((x) => x.name === 'deidentify')).toMatchObject({ status: 'succeeded', attempts: 2 });
    // submitting it again queues the same run again (a retry, not a new run)
    const again = await getDb().transaction((tx) => submitRun(tx, { projectId: tp.id, seriesId, model: other, submittedBy: tp.users.researcher.id }));
    expect(again).toMatchObject({ created: false, run: { id: run.id, status: 'queued' } });
    // not left queued: an executor sharing this database (CI's e2e app) would take it
    await getDb().update(runs).set({ status: 'cancelled' }).where(eq(runs.id, run.id));
  }, 120_000);
  it('hands a run back on shutdown: after the running step when it finishes in time, else killing it with its attempt not counted', async () => {
    const other = `${modelName}-handback`;
    const spec = { ...JSON.parse(readFileSync(join(process.cwd(), 'models/brain-tissue/spec.json'), 'utf8')), name: other };
    const { version } = await registerModelVersion(getDb(), { model: readFileSync(join(process.cwd(), 'models/brain-tissue/model.onnx')), spec });
    await setSlotVersion(getDb(), { modelId: version.modelId, versionId: version.id, stage: 'live', reason: 'test' });
    const { run } = await getDb().transaction((tx) => submitRun(tx, { projectId: tp.id, seriesId, model: other, submittedBy: tp.users.researcher.id }));
    const stepsNow = async () =>
      Object.fromEntries((await getDb().select().from(runSteps).where(eq(runSteps.runId, run.id))).map((x) => [x.name, [x.status, x.attempts]]));

    // SIGTERM while deidentify runs, with time to finish it: it finishes, the run goes back before convert
    let stopping = false;
    const finishing = async (inv: TStepInvocation, { env }: StepContext) => {
      if (inv.task === 'deidentify') stopping = true;
      Object.assign(process.env, env);
      return runStep(inv);
    };
    const first = await executeRun(run.id, { runWorkerStep: finishing, handBackBeforeNextTask: () => stopping });
    expect(first).toMatchObject({ status: 'queued', claimedBy: null, leaseExpiresAt: null });
    expect(await stepsNow()).toMatchObject({ ingest: ['succeeded', 1], deidentify: ['succeeded', 1], convert: ['pending', 0] });

    // the next executor resumes at convert; its shutdown timeout runs out mid-step: killed, handed back
    const controller = new AbortController();
    const calls: string[] = [];
    const killed = async (inv: TStepInvocation, ctx: StepContext): Promise<TStepResult> => {
      calls.push(inv.task);
      controller.abort({ kind: 'shutdown' });
      return spawnStep(inv, ctx); // aborted: never starts, or its process group is killed
    };
    const second = await executeRun(run.id, { runWorkerStep: killed, signal: controller.signal });
    expect(calls).toEqual(['convert']);
    expect(second.status).toBe('queued');
    expect(await stepsNow()).toMatchObject({ deidentify: ['succeeded', 1], convert: ['pending', 0], 'infer-serving': ['pending', 0] });
    // not left queued: an executor sharing this database (CI's e2e app) would take it
    await getDb().update(runs).set({ status: 'cancelled' }).where(eq(runs.id, run.id));
  }, 120_000);
  it('takes a DICOM series through de-identification and conversion, and writes a DICOM SEG that references only the de-identified instances', async () => {
    const api = new UploadApi({ baseUrl: 'http://segflow.test', token: tp.users.researcher.token, fetch: dispatchFetch() });
    const engine = new UploadEngine({ api, project: tp.slug });
    engine.add(ctSeriesSources());
    const summary = await engine.run();
    const ct = summary.series[0];
    const original = readDicomHeader(
      readFileSync(
        join(
          CT_SERIES_DIR,
          readdirSync(CT_SERIES_DIR)
            .filter((f) => f.endsWith('.dcm'))
            .sort()[0],
        ),
      ),
      'ct',
    );
    expect(original.identity.patientId?.length).toBeGreaterThan(3);
    const other = `${modelName}-ct`;
    // a model that declares no input domain takes the CT (its domain is "not checked"): the SEG path is what this test is about
    const { domain: _none, ...undeclared } = JSON.parse(readFileSync(join(process.cwd(), 'models/brain-tissue/spec.json'), 'utf8'));
    const spec = { ...undeclared, name: other };
    const { version } = await registerModelVersion(getDb(), { model: readFileSync(join(process.cwd(), 'models/brain-tissue/model.onnx')), spec });
    await setSlotVersion(getDb(), { modelId: version.modelId, versionId: version.id, stage: 'live', reason: 'test' });
    const { run } = await getDb().transaction((tx) => submitRun(tx, { projectId: tp.id, seriesId: ct.id, model: other, submittedBy: tp.users.researcher.id }));

    const done = await executeRun(run.id);
    expect(done.error).toBeNull();
    const steps = Object.fromEntries(
      (await getDb().select().from(runSteps).where(eq(runSteps.runId, run.id))).map((x) => [x.name, x.outputs as { name: string; key: string }[]]),
    );
    expect(steps.deidentify).toHaveLength(30);
    const deidHeaders = await Promise.all(steps.deidentify.map(async (o) => readDicomHeader(await getObjectBytes({ key: o.key }), o.name)));
    for (const h of deidHeaders) {
      expect(h.identity.patientId).not.toBe(original.identity.patientId);
      expect(h.studyInstanceUid).not.toBe(original.studyInstanceUid);
      expect(h.sopInstanceUid).toMatch(/^2\.25\./);
    }
    const volume = readNifti(await getObjectBytes({ key: steps.convert[0].key }));
    expect(volume.dims).toEqual([512, 512, 30]);
    const seg = Buffer.from(await getObjectBytes({ key: steps['infer-serving'].find((o) => o.name === 'seg.dcm')!.key }));
    // the SEG points at the de-identified instances, never at the originals or the patient
    expect(seg.includes(deidHeaders[0].sopInstanceUid)).toBe(true);
    expect(seg.includes(original.sopInstanceUid)).toBe(false);
    expect(seg.includes(original.identity.patientId!)).toBe(false);

    // every identifying value of the input (by the standard's table) is absent from everything the
    // run left outside the identity tables: derived/ objects, database rows, step outputs, audit details
    const inputs = readdirSync(CT_SERIES_DIR)
      .filter((f) => f.endsWith('.dcm'))
      .map((f) => new Uint8Array(readFileSync(join(CT_SERIES_DIR, f))));
    const phi = identifyingValues(inputs);
    expect(phi.size).toBeGreaterThan(30);
    expect(phi).toContain(original.identity.patientId);
    const inObjects = await probeDerivedObjects(tp.id, phi);
    expect(inObjects.objects).toBeGreaterThan(30);
    expect(inObjects.findings).toEqual([]);
    const inDb = await probeDatabase(getDb(), tp.id, phi);
    expect(inDb.tables).toEqual(expect.arrayContaining(['audit_events', 'run_steps', 'runs', 'series', 'studies', 'stored_objects']));
    expect(inDb.findings).toEqual([]);

    const [serving] = await getDb()
      .select()
      .from(runSteps)
      .where(and(eq(runSteps.runId, run.id), eq(runSteps.name, 'infer-serving')));
    expect(serving.checks[0]).toMatchObject({ check: 'domain', outcome: 'not-checked', found: 'CT of the chest' });

    // the same chest CT series to the brain model, which declares its domain: refused before inference, once, with the reason
    const { run: refused } = await getDb().transaction((tx) =>
      submitRun(tx, { projectId: tp.id, seriesId: ct.id, model: modelName, submittedBy: tp.users.researcher.id }),
    );
    const failed = await executeRun(refused.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(
      /^infer-serving: .+ expects T1-weighted MR of the adult head \(skull-stripped or not\); this series is CT of the chest: modality CT \(expected MR\); body-part CHEST/,
    );
    const shown = await call(tp.users.researcher.token, 'GET', `/api/runs/${refused.id}`);
    const step = shown.body.run.steps.find((s) => s.name === 'infer-serving')!;
    expect(step).toMatchObject({ status: 'failed', attempts: 1 });
    expect(Object.fromEntries(step.checks!.map((c) => [c.check, c.outcome]))).toMatchObject({ modality: 'failed', 'body-part': 'failed', spacing: 'failed' });
    expect(shown.body.run.warnings).toEqual([]);
    const m = ZSignedManifest.parse(JSON.parse(new TextDecoder().decode(await getObjectBytes({ key: failed.manifestKey! })))).manifest;
    expect(m.steps.find((x) => x.name === 'infer-serving')).toMatchObject({
      status: 'failed',
      attempts: 1,
      checks: expect.arrayContaining([{ check: 'modality', outcome: 'failed', expected: 'MR', found: 'CT' }]),
    });
  }, 300_000);

  it('a real brain MR series that the model segments as empty succeeds with a warning: API, manifest and the checks', async () => {
    const MR_DIR = join(process.cwd(), 'fixtures/dicom/series/tcia-brain-tumor-progression-mr');
    const api = new UploadApi({ baseUrl: 'http://segflow.test', token: tp.users.researcher.token, fetch: dispatchFetch() });
    const engine = new UploadEngine({ api, project: tp.slug });
    engine.add(
      readdirSync(MR_DIR)
        .filter((f) => f.endsWith('.dcm'))
        .map((f) => fileSource(join(MR_DIR, f))),
    );
    const mr = (await engine.run()).series[0];
    // a version whose declared domain is too wide (slices up to 7 mm): the output check is what catches it
    const wide = `${modelName}-wide`;
    const base = JSON.parse(readFileSync(join(process.cwd(), 'models/brain-tissue/spec.json'), 'utf8'));
    const spec = { ...base, name: wide, domain: { ...base.domain, spacingMm: { min: 0.5, max: 7 } } };
    const { version } = await registerModelVersion(getDb(), { model: readFileSync(join(process.cwd(), 'models/brain-tissue/model.onnx')), spec });
    await setSlotVersion(getDb(), { modelId: version.modelId, versionId: version.id, stage: 'live', reason: 'test' });
    const { run } = await getDb().transaction((tx) => submitRun(tx, { projectId: tp.id, seriesId: mr.id, model: wide, submittedBy: tp.users.researcher.id }));
    const done = await executeRun(run.id);
    expect(done.status).toBe('succeeded');
    expect(done.warnings).toEqual([
      `White Matter is empty; ${wide} expects 150 ml–900 ml, not empty — check the input and the mask before using it`,
      `Grey Matter is empty; ${wide} expects 250 ml–1.2 l, not empty — check the input and the mask before using it`,
    ]);
    const shown = (await call(tp.users.researcher.token, 'GET', `/api/runs/${run.id}`)).body.run;
    expect(shown.warnings).toEqual(done.warnings);
    const checks = Object.fromEntries(shown.steps.find((s) => s.name === 'infer-serving')!.checks!.map((c) => [c.check, c.outcome]));
    expect(checks).toEqual({
      modality: 'passed',
      'body-part': 'passed',
      spacing: 'passed',
      extent: 'passed',
      intensity: 'passed',
      'volume:White Matter': 'warning',
      'volume:Grey Matter': 'warning',
    });
    const m = ZSignedManifest.parse(JSON.parse(new TextDecoder().decode(await getObjectBytes({ key: done.manifestKey! })))).manifest;
    expect(m.warnings).toEqual(done.warnings);
    expect(m.steps.find((x) => x.name === 'infer-serving')?.checks).toHaveLength(7);
  }, 300_000);
  it('a shadow model that keeps failing fails neither the run nor the serving mask: its failure is recorded, compare is skipped', async () => {
    const other = `${modelName}-badshadow`;
    for (const [dir, stage] of [
      ['brain-tissue', 'live'],
      ['brain-tissue-fp16', 'shadow'],
    ] as const) {
      const spec = { ...JSON.parse(readFileSync(join(process.cwd(), 'models', dir, 'spec.json'), 'utf8')), name: other };
      const { version } = await registerModelVersion(getDb(), { model: readFileSync(join(process.cwd(), 'models', dir, 'model.onnx')), spec });
      await setSlotVersion(getDb(), { modelId: version.modelId, versionId: version.id, stage, reason: 'test' });
    }
    const { run } = await getDb().transaction((tx) => submitRun(tx, { projectId: tp.id, seriesId, model: other, submittedBy: tp.users.researcher.id }));
    const calls: string[] = [];
    const worker = async (inv: TStepInvocation, { env }: StepContext): Promise<TStepResult> => {
      calls.push(inv.task);
      if (inv.task === 'infer-shadow') throw new Error('CUDA out of memory');
      // the serving model's outputs, without spending a minute of CPU on them here
      if (inv.task === 'infer-serving')
        return {
          outputs: [
            {
              name: 'mask.nii.gz',
              key: `derived/${tp.id}/${run.studyId}/runs/${run.id}/infer-serving/mask.nii.gz`,
              versionId: null,
              sha256: 'a'.repeat(64),
              size: 1,
            },
          ],
          info: {},
        };
      Object.assign(process.env, env);
      return runStep(inv);
    };
    const done = await executeRun(run.id, { runWorkerStep: worker, retryDelayMs: 1 });
    expect(done.status).toBe('succeeded');
    expect(calls.filter((c) => c === 'infer-shadow')).toHaveLength(3);
    expect(calls).not.toContain('compare');
    const by = Object.fromEntries((await getDb().select().from(runSteps).where(eq(runSteps.runId, run.id))).map((x) => [x.name, x]));
    expect(by['infer-shadow']).toMatchObject({ status: 'failed', attempts: 3, error: 'CUDA out of memory' });
    expect(by.compare.status).toBe('skipped');
    expect(by['infer-serving'].status).toBe('succeeded');
    const m = ZSignedManifest.parse(JSON.parse(new TextDecoder().decode(await getObjectBytes({ key: done.manifestKey! })))).manifest;
    expect(m.run.status).toBe('succeeded');
    expect(m.steps.find((x) => x.name === 'infer-shadow')).toMatchObject({ status: 'failed', error: 'CUDA out of memory' });
  }, 120_000);
});
