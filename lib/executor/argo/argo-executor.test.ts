import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { comparisons, projects, runs, runSteps } from '@/db/schema';
import { getDb } from '@/lib/db';
import { ZSignedManifest } from '@/lib/manifests/sign-manifest';
import { verifyManifest } from '@/lib/manifests/verify-manifest';
import { registerModelVersion } from '@/lib/models/register-model-version';
import { setSlotVersion } from '@/lib/models/set-slot-version';
import { submitRun } from '@/lib/runs/submit-run';
import type { TStepInvocation, TStepResult } from '@/lib/pipeline/step-contract';
import { getObjectBytes } from '@/lib/storage/objects';
import { UploadApi } from '@/lib/uploads/client/upload-api';
import { UploadEngine } from '@/lib/uploads/client/upload-engine';
import { dispatchFetch } from '@/lib/uploads/test/dispatch-api';
import { fileSource, T1_NIFTI } from '@/lib/uploads/test/fixtures';
import { ARGO_TEST_TOKEN, startMockArgoServer, type MockArgoServer } from '@/test/mock-argo-server';
import { createTestProject, type TestProject } from '@/test/test-project';
import { parseConfig } from '@/lib/config';
import { argoConnection, submitToArgo, syncArgoRun } from './argo-executor';

/**
 * The Argo executor against a mock Argo Server that checks every request and answer with Argo's
 * OpenAPI spec (test/mock-argo-server.ts), and the real database and store: submission, status
 * mirroring, comparisons, and the platform-written manifest.
 */
let argo: MockArgoServer;
let tp: TestProject;
let seriesId: string;
const tag = randomBytes(3).toString('hex');
let modelCount = 0;
const T0 = '2026-11-27T10:00:00Z';
const at = (s: number) => new Date(Date.parse(T0) + s * 1000).toISOString().replace('.000Z', 'Z');

async function register(modelName: string, dir: string, stage: 'live' | 'shadow') {
  const spec = { ...JSON.parse(readFileSync(join(process.cwd(), 'models', dir, 'spec.json'), 'utf8')), name: modelName };
  const { version } = await registerModelVersion(getDb(), { model: readFileSync(join(process.cwd(), 'models', dir, 'model.onnx')), spec });
  await setSlotVersion(getDb(), { modelId: version.modelId, versionId: version.id, stage, reason: 'test' });
}

beforeAll(async () => {
  process.env.SEGFLOW_MANIFEST_SIGNING_KEY = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  argo = await startMockArgoServer();
  tp = await createTestProject(getDb());
  const engine = new UploadEngine({ api: new UploadApi({ baseUrl: 'http://segflow.test', token: tp.users.researcher.token, fetch: dispatchFetch() }), project: tp.slug });
  engine.add([fileSource(T1_NIFTI)]);
  seriesId = (await engine.run()).volumes[0].id;
}, 120_000);

afterAll(() => argo.close());
beforeEach(() => argo.reset());

const conn = () => ({ server: argo.base, token: ARGO_TEST_TOKEN, namespace: 'segflow' });

function result(runId: string, studyId: string, task: string, names: string[], info: Record<string, unknown> = {}): TStepResult {
  return {
    outputs: names.map((name, i) => ({ name, key: `derived/${tp.id}/${studyId}/runs/${runId}/${task}/${name}`, versionId: `v${i}`, sha256: String(i).repeat(64), size: 100 + i })),
    info,
  };
}

/** the workflow Argo would report: one Pod node per DAG task (named as planRun() names the tasks) */
function workflow(name: string, phase: string, params: { name: string; value: string }[], tasks: { task: string; phase: string; result?: TStepResult; message?: string }[]) {
  const nodes = Object.fromEntries(
    tasks.map((t, i) => [
      `${name}-${i}`,
      {
        id: `${name}-${i}`,
        name: `${name}.${t.task}`,
        displayName: t.task,
        type: 'Pod',
        templateName: t.task.replace(/-(serving|shadow)$/, ''),
        phase: t.phase,
        startedAt: at(i * 10),
        finishedAt: at(i * 10 + 8),
        ...(t.message ? { message: t.message } : {}),
        ...(t.result ? { outputs: { parameters: [{ name: 'result', value: JSON.stringify(t.result) }] } } : {}),
      },
    ]),
  );
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name, namespace: 'segflow', uid: '5f0c1d8e-0000-4000-8000-000000000002', creationTimestamp: T0 },
    spec: { workflowTemplateRef: { name: 'segflow-pipeline' }, arguments: { parameters: params } },
    status: { phase, startedAt: T0, ...(phase === 'Running' ? {} : { finishedAt: at(100) }), nodes },
  };
}

/** a new run: the same volume under a model of its own (the same submission would be the same run) */
async function submitted() {
  const modelName = `bt-argo-${tag}-${++modelCount}`;
  await register(modelName, 'brain-tissue', 'live');
  await register(modelName, 'brain-tissue-fp16', 'shadow');
  const { run } = await getDb().transaction((tx) => submitRun(tx, { projectId: tp.id, seriesId, model: modelName, submittedBy: tp.users.researcher.id, executor: 'argo' }));
  let params: { name: string; value: string }[] = [];
  argo.handlers.WorkflowService_SubmitWorkflow = ({ body }) => {
    const b = body as { submitOptions: { generateName: string; parameters: string[] } };
    params = b.submitOptions.parameters.map((p) => ({ name: p.slice(0, p.indexOf('=')), value: p.slice(p.indexOf('=') + 1) }));
    return { status: 200, body: workflow(`${b.submitOptions.generateName}abc12`, 'Pending', params, []) };
  };
  const after = await submitToArgo(getDb(), run.id, conn());
  return { run: after, params: () => params };
}

describe('Argo executor', () => {
  it('reads its connection from the configuration', () => {
    expect(argoConnection(parseConfig({ ARGO_SERVER: 'a:2746', ARGO_TOKEN: 't' }))).toEqual({ server: 'a:2746', token: 't', namespace: 'segflow' });
    expect(argoConnection(parseConfig({}))).toBeNull();
  });

  it('submits a run as a workflow of the template: one invocation per worker task, the secret by name only', async () => {
    const { run, params } = await submitted();
    // only a queued run is submitted, and a refused one never reaches Argo
    await expect(submitToArgo(getDb(), run.id, conn())).rejects.toThrow(/is running, not queued/);
    expect(argo.requests.map((r) => [r.operationId, r.bodyErrors])).toEqual([['WorkflowService_SubmitWorkflow', []]]);
    expect(argo.responseErrors).toEqual([]);
    expect(run).toMatchObject({ status: 'running', externalId: 'argo:segflow/segflow-run-abc12', executor: 'argo' });
    const p = Object.fromEntries(params().map((x) => [x.name, x.value]));
    expect(p).toMatchObject({ shadow: 'true', 'deid-secret-name': `segflow-deid-${tp.id}` });
    expect(JSON.parse(p['invocation-infer-serving']).model).toMatchObject({ role: 'live', version: '1.0.0' });
    const ingest = JSON.parse(p['invocation-ingest']) as TStepInvocation;
    expect(ingest).toMatchObject({ step: 'ingest', task: 'ingest', kind: 'nifti', run: { id: run.id, projectId: tp.id } });
    expect(ingest.inputs[0].key).toMatch(new RegExp(`^raw-phi/${tp.id}/`));
    expect(JSON.parse(p['invocation-infer-shadow']).model).toMatchObject({ role: 'shadow', version: '1.0.0-fp16' });
    const [project] = await getDb().select({ secret: projects.deidSecret }).from(projects).where(eq(projects.id, tp.id));
    expect(JSON.stringify(argo.requests[0].body)).not.toContain(project.secret);
    const body = argo.requests[0].body as { submitOptions: { labels: string } };
    expect(body.submitOptions.labels).toContain(`segflow.io/run=${run.id}`);
  });

  it('mirrors task states, records outputs and the comparison, and writes the signed manifest when the workflow succeeds', async () => {
    const { run, params } = await submitted();
    const metrics = { labels: [{ value: 1, name: 'White Matter', dice: 0.998, hd95Mm: 0, assdMm: 0.01, liveMl: 500, shadowMl: 501, volumeDiffMl: 1, volumeDiffPct: 0.2 }], meanDice: 0.998 };
    const r = (task: string, names: string[], info?: Record<string, unknown>) => result(run.id, run.studyId, task, names, info);
    // half way: ingest done, deidentify running
    argo.handlers.WorkflowService_GetWorkflow = ({ params: q }) => ({
      status: 200,
      body: workflow(q.name, 'Running', params(), [
        { task: 'ingest', phase: 'Succeeded', result: r('ingest', []) },
        { task: 'deidentify', phase: 'Running' },
      ]),
    });
    let now = await syncArgoRun(getDb(), run.id, conn());
    expect(now.status).toBe('running');
    let steps = Object.fromEntries((await getDb().select().from(runSteps).where(eq(runSteps.runId, run.id))).map((s) => [s.name, s.status]));
    expect(steps).toMatchObject({ ingest: 'succeeded', deidentify: 'running', convert: 'pending', manifest: 'pending' });

    argo.handlers.WorkflowService_GetWorkflow = ({ params: q }) => ({
      status: 200,
      body: workflow(q.name, 'Succeeded', params(), [
        { task: 'ingest', phase: 'Succeeded', result: r('ingest', []) },
        { task: 'deidentify', phase: 'Succeeded', result: r('deidentify', ['volume.nii.gz']) },
        { task: 'convert', phase: 'Succeeded', result: r('convert', ['volume.nii.gz']) },
        { task: 'infer-serving', phase: 'Succeeded', result: r('infer-serving', ['mask.nii.gz', 'volumes.json']) },
        { task: 'infer-shadow', phase: 'Succeeded', result: r('infer-shadow', ['mask.nii.gz', 'volumes.json']) },
        { task: 'compare', phase: 'Succeeded', result: r('compare', ['metrics.json'], { meanDice: metrics.meanDice, metrics }) },
      ]),
    });
    now = await syncArgoRun(getDb(), run.id, conn());
    expect(argo.responseErrors).toEqual([]);
    expect(now.status).toBe('succeeded');
    steps = Object.fromEntries((await getDb().select().from(runSteps).where(eq(runSteps.runId, run.id))).map((s) => [s.name, s.status]));
    expect(Object.values(steps)).toEqual(Array(7).fill('succeeded'));
    const [cmp] = await getDb().select().from(comparisons).where(eq(comparisons.runId, run.id));
    expect(cmp.metrics).toEqual(metrics.labels);
    const envelope = JSON.parse(new TextDecoder().decode(await getObjectBytes({ key: now.manifestKey! })));
    expect(verifyManifest(envelope).ok).toBe(true);
    const m = ZSignedManifest.parse(envelope).manifest;
    expect(m.pipeline.executor).toBe('argo');
    expect(m.steps.find((s) => s.name === 'infer-serving')?.outputs.map((o) => [o.key.split('/').pop(), o.versionId])).toEqual([
      ['mask.nii.gz', 'v0'],
      ['volumes.json', 'v1'],
    ]);
  });

  it('fails the run with the failing task and its message, skips the rest, and still writes a manifest', async () => {
    const { run, params } = await submitted();
    argo.handlers.WorkflowService_GetWorkflow = ({ params: q }) => ({
      status: 200,
      body: workflow(q.name, 'Failed', params(), [
        { task: 'ingest', phase: 'Succeeded', result: result(run.id, run.studyId, 'ingest', []) },
        { task: 'deidentify', phase: 'Failed', message: '{"error":"deidentify: every instance was held back (burned-in annotation)"}' },
      ]),
    });
    const now = await syncArgoRun(getDb(), run.id, conn());
    expect(now.status).toBe('failed');
    expect(now.error).toMatch(/^deidentify: .*every instance was held back/);
    const steps = Object.fromEntries((await getDb().select().from(runSteps).where(eq(runSteps.runId, run.id))).map((s) => [s.name, s.status]));
    expect(steps).toMatchObject({ ingest: 'succeeded', deidentify: 'failed', convert: 'skipped', manifest: 'skipped' });
    const [row] = await getDb().select().from(runs).where(eq(runs.id, run.id));
    const m = ZSignedManifest.parse(JSON.parse(new TextDecoder().decode(await getObjectBytes({ key: row.manifestKey! })))).manifest;
    expect(m.run.status).toBe('failed');
  });
});
