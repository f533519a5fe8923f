import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { comparisons, projects, runs, runSteps } from '@/db/schema';
import { getDb } from '@/lib/db';
import { ZSignedManifest } from '@/lib/manifests/sign-manifest';
import { verifyManifest } from '@/lib/manifests/verify-manifest';
import { registerModelVersion } from '@/lib/models/register-model-version';
import { setSlotVersion } from '@/lib/models/set-slot-version';
import { submitRun } from '@/lib/runs/submit-run';
import type { TObjectRef, TStepInvocation, TStepResult } from '@/lib/pipeline/step-contract';
import { getObjectBytes } from '@/lib/storage/objects';
import { UploadApi } from '@/lib/uploads/client/upload-api';
import { UploadEngine } from '@/lib/uploads/client/upload-engine';
import { dispatchFetch } from '@/lib/uploads/test/dispatch-api';
import { fileSource, T1_NIFTI } from '@/lib/uploads/test/fixtures';
import { ARGO_TEST_TOKEN, startMockArgoServer, type MockArgoServer } from '@/test/mock-argo-server';
import { createTestProject, type TestProject } from '@/test/test-project';
import { storeStepResult } from '@/lib/pipeline/step-exchange';
import { ArgoExecutor, IN_PROGRESS_SELECTOR } from './argo-executor';
import { workflow } from './test/argo-workflows';

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
  const engine = new UploadEngine({
    api: new UploadApi({ baseUrl: 'http://segflow.test', token: tp.users.researcher.token, fetch: dispatchFetch() }),
    project: tp.slug,
  });
  engine.add([fileSource(T1_NIFTI)]);
  seriesId = (await engine.run()).volumes[0].id;
}, 120_000);

afterAll(async () => {
  // nothing of this file's is left for an executor sharing the database to take or follow
  await getDb()
    .update(runs)
    .set({ status: 'cancelled', error: 'test over', finishedAt: new Date() })
    .where(and(eq(runs.projectId, tp.id), eq(runs.executor, 'argo'), inArray(runs.status, ['queued', 'running'])));
  await argo.close();
});
beforeEach(() => argo.reset());

const conn = () => ({ server: argo.base, token: ARGO_TEST_TOKEN, namespace: 'segflow' });

function result(runId: string, studyId: string, task: string, names: string[], info: Record<string, unknown> = {}): TStepResult {
  return {
    outputs: names.map((name, i) => ({
      name,
      key: `derived/${tp.id}/${studyId}/runs/${runId}/${task}/${name}`,
      versionId: `v${i}`,
      sha256: String(i).repeat(64),
      size: 100 + i,
    })),
    info,
  };
}

/** the workflow Argo would report: one Pod node per DAG task (Argo's task names: infer-serving for the serving model) */
function reportedWorkflow(
  name: string,
  phase: string,
  params: { name: string; value: string }[],
  tasks: { task: string; phase: string; result?: TObjectRef; message?: string }[],
  message?: string,
) {
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
  const status = { phase, startedAt: T0, ...(phase === 'Running' ? {} : { finishedAt: at(100) }), ...(message ? { message } : {}), nodes };
  return { ...workflow(name, params, undefined, { 'segflow.io/run': name.replace('segflow-run-', '') }), status };
}

/**
 * Argo's side, as the mock serves it: workflows by name. Submit creates one (409 when the name is
 * taken), the list answers the in-progress ones (the label selector the executor sends), GET by name.
 */
const cluster = new Map<string, ReturnType<typeof reportedWorkflow>>();
const submittedParams = new Map<string, Record<string, string>>();
function serveCluster() {
  argo.handlers.WorkflowService_SubmitWorkflow = ({ body }) => {
    const b = body as { submitOptions: { name: string; parameters: string[]; labels: string } };
    const name = b.submitOptions.name;
    if (cluster.has(name)) return { status: 409, body: { code: 6, message: `workflows.argoproj.io "${name}" already exists` } };
    const params = b.submitOptions.parameters.map((p) => ({ name: p.slice(0, p.indexOf('=')), value: p.slice(p.indexOf('=') + 1) }));
    submittedParams.set(name, Object.fromEntries(params.map((p) => [p.name, p.value])));
    cluster.set(name, reportedWorkflow(name, 'Pending', params, []));
    return { status: 200, body: cluster.get(name)! };
  };
  argo.handlers.WorkflowService_ListWorkflows = ({ query }) => {
    expect(query.get('listOptions.labelSelector')).toBe(IN_PROGRESS_SELECTOR);
    return { status: 200, body: { metadata: {}, items: [...cluster.values()].filter((w) => !['Succeeded', 'Failed', 'Error'].includes(w.status.phase)) } };
  };
  argo.handlers.WorkflowService_GetWorkflow = ({ params }) =>
    cluster.has(params.name)
      ? { status: 200, body: cluster.get(params.name)! }
      : { status: 404, body: { code: 5, message: `workflows.argoproj.io "${params.name}" not found` } };
  argo.handlers.WorkflowService_TerminateWorkflow = ({ params }) => {
    const wf = cluster.get(params.name)!;
    Object.assign(wf.status, { phase: 'Failed', message: "Stopped with strategy 'Terminate'", finishedAt: at(100) });
    return { status: 200, body: wf };
  };
}
const ops = () => argo.requests.map((r) => r.operationId.replace('WorkflowService_', ''));

/** what Argo would report for a run's workflow now */
function report(run: { id: string }, phase: string, tasks: Parameters<typeof reportedWorkflow>[3], message?: string) {
  const name = `segflow-run-${run.id}`;
  const params = Object.entries(submittedParams.get(name)!).map(([n, value]) => ({ name: n, value }));
  cluster.set(name, reportedWorkflow(name, phase, params, tasks, message));
}

/** a stored step result and its reference, as the step's container leaves them */
async function stored(
  run: { id: string; studyId: string },
  step: TStepInvocation['step'],
  task: string,
  names: string[],
  info: Record<string, unknown> = {},
): Promise<TObjectRef> {
  const inv = { step, task, run: { id: run.id, projectId: tp.id, studyId: run.studyId } } as TStepInvocation;
  return storeStepResult(inv, result(run.id, run.studyId, task, names, info));
}

/** a new queued run: the same volume under a model of its own (the same submission would be the same run) */
async function queued(shadow = true) {
  const modelName = `bt-argo-${tag}-${++modelCount}`;
  await register(modelName, 'brain-tissue', 'live');
  if (shadow) await register(modelName, 'brain-tissue-fp16', 'shadow');
  const { run } = await getDb().transaction((tx) =>
    submitRun(tx, { projectId: tp.id, seriesId, model: modelName, submittedBy: tp.users.researcher.id, executor: 'argo' }),
  );
  return run;
}

const runRow = async (id: string) => (await getDb().select().from(runs).where(eq(runs.id, id)))[0];
const stepsOf = async (id: string) => Object.fromEntries((await getDb().select().from(runSteps).where(eq(runSteps.runId, id))).map((s) => [s.name, s]));

describe('Argo executor', () => {
  let exec: ArgoExecutor;
  beforeEach(() => {
    serveCluster();
    exec = new ArgoExecutor(conn(), { pollMs: 60_000, leaseS: 60 });
  });

  it('submits a queued run under its own name, its invocations stored in the bucket and referenced, the secret by name only', async () => {
    const run = await queued();
    await exec.tickNow();
    const name = `segflow-run-${run.id}`;
    expect(argo.responseErrors).toEqual([]);
    expect(argo.requests.filter((r) => r.operationId === 'WorkflowService_SubmitWorkflow').map((r) => r.bodyErrors)).toEqual([[]]);
    expect(await runRow(run.id)).toMatchObject({ status: 'running', externalId: `argo:segflow/${name}`, executor: 'argo' });
    const p = submittedParams.get(name)!;
    expect(p).toMatchObject({ shadow: 'true', 'deid-secret-name': `segflow-deid-${tp.id}` });
    for (const v of Object.values(p)) expect(v.length).toBeLessThan(1024);
    const ref = JSON.parse(p['invocation-ingest']) as TObjectRef;
    expect(ref.key).toBe(`pipeline/${tp.id}/invocations/${run.id}/ingest.json`);
    const ingest = JSON.parse(new TextDecoder().decode(await getObjectBytes({ key: ref.key, versionId: ref.versionId }))) as TStepInvocation;
    expect(ingest).toMatchObject({ step: 'ingest', task: 'ingest', kind: 'nifti', run: { id: run.id, projectId: tp.id } });
    expect(ingest.inputs[0].key).toMatch(new RegExp(`^raw-phi/${tp.id}/`));
    const shadowInv = JSON.parse(p['invocation-infer-shadow']) as TObjectRef;
    expect(JSON.parse(new TextDecoder().decode(await getObjectBytes({ key: shadowInv.key }))).model).toMatchObject({ role: 'shadow', version: '1.0.0-fp16' });
    const [project] = await getDb().select({ secret: projects.deidSecret }).from(projects).where(eq(projects.id, tp.id));
    expect(JSON.stringify(argo.requests[0].body)).not.toContain(project.secret);
    expect((argo.requests[0].body as { submitOptions: { labels: string } }).submitOptions.labels).toContain(`segflow.io/run=${run.id}`);
  });

  it('adopts the workflow when an answer was lost: a timed-out submission is tried again next tick and its 409 adopted', async () => {
    const run = await queued(false);
    const name = `segflow-run-${run.id}`;
    const create = argo.handlers.WorkflowService_SubmitWorkflow;
    let release!: () => void;
    // Argo creates the workflow, but its answer never reaches the executor
    argo.handlers.WorkflowService_SubmitWorkflow = async (req) => {
      await create(req);
      await new Promise<void>((r) => (release = r));
      return { status: 500, body: { code: 13, message: 'too late' } };
    };
    const slow = new ArgoExecutor({ ...conn(), timeoutMs: 300 }, { pollMs: 60_000, leaseS: 60 });
    await slow.tickNow();
    release();
    expect(await runRow(run.id)).toMatchObject({ status: 'running', externalId: null, error: null });
    argo.handlers.WorkflowService_SubmitWorkflow = create;
    await slow.tickNow();
    expect(await runRow(run.id)).toMatchObject({ status: 'running', externalId: `argo:segflow/${name}` });
    expect(argo.requests.filter((r) => r.operationId === 'WorkflowService_SubmitWorkflow')).toHaveLength(2);
    expect(cluster.has(name)).toBe(true);
  });

  it('reads every run in progress with one list call per tick, GETs only a workflow that left the list, and writes the manifest when it succeeded', async () => {
    const a = await queued();
    const b = await queued();
    await exec.tickNow();
    report(a, 'Running', [
      { task: 'ingest', phase: 'Succeeded', result: await stored(a, 'ingest', 'ingest', []) },
      { task: 'deidentify', phase: 'Running' },
    ]);
    report(b, 'Running', [{ task: 'ingest', phase: 'Running' }]);
    argo.reset();
    serveCluster();
    await exec.tickNow();
    // (other runs of this database may be read by name too; these two are not)
    const about = (r: { id: string }) => argo.requests.filter((q) => q.path.includes(r.id)).map((q) => q.operationId.replace('WorkflowService_', ''));
    expect(ops().filter((o) => o === 'ListWorkflows')).toHaveLength(1);
    // a's ingest has ended: its pod's log is read (this mock has none to give: a note is stored instead)
    expect([...about(a), ...about(b)]).toEqual(['WorkflowLogs']);
    expect(Object.fromEntries(Object.entries(await stepsOf(a.id)).map(([k, v]) => [k, v.status]))).toMatchObject({
      ingest: 'succeeded',
      deidentify: 'running',
      convert: 'pending',
      manifest: 'pending',
    });
    expect((await stepsOf(b.id)).ingest.status).toBe('running');

    const metrics = {
      labels: [{ value: 1, name: 'White Matter', dice: 0.998, hd95Mm: 0, assdMm: 0.01, liveMl: 500, shadowMl: 501, volumeDiffMl: 1, volumeDiffPct: 0.2 }],
      meanDice: 0.998,
    };
    report(a, 'Succeeded', [
      { task: 'ingest', phase: 'Succeeded', result: await stored(a, 'ingest', 'ingest', []) },
      { task: 'deidentify', phase: 'Succeeded', result: await stored(a, 'deidentify', 'deidentify', ['volume.nii.gz']) },
      { task: 'convert', phase: 'Succeeded', result: await stored(a, 'convert', 'convert', ['volume.nii.gz']) },
      { task: 'infer-serving', phase: 'Succeeded', result: await stored(a, 'infer', 'infer-serving', ['mask.nii.gz', 'volumes.json']) },
      { task: 'infer-shadow', phase: 'Succeeded', result: await stored(a, 'infer', 'infer-shadow', ['mask.nii.gz', 'volumes.json']) },
      { task: 'compare', phase: 'Succeeded', result: await stored(a, 'compare', 'compare', ['metrics.json'], { meanDice: metrics.meanDice, metrics }) },
    ]);
    argo.reset();
    serveCluster();
    await exec.tickNow();
    expect(ops().filter((o) => o === 'ListWorkflows')).toHaveLength(1);
    expect(about(a)).toEqual(['GetWorkflow', ...Array(5).fill('WorkflowLogs')]);
    expect(about(b)).toEqual([]);
    expect(argo.responseErrors).toEqual([]);
    const done = await runRow(a.id);
    expect(done.status).toBe('succeeded');
    expect(Object.values(await stepsOf(a.id)).map((s) => s.status)).toEqual(Array(7).fill('succeeded'));
    const [cmp] = await getDb().select().from(comparisons).where(eq(comparisons.runId, a.id));
    expect(cmp.metrics).toEqual(metrics.labels);
    const envelope = JSON.parse(new TextDecoder().decode(await getObjectBytes({ key: done.manifestKey! })));
    expect(verifyManifest(envelope).ok).toBe(true);
    const m = ZSignedManifest.parse(envelope).manifest;
    expect(m.pipeline.executor).toBe('argo');
    expect(m.steps.find((s) => s.name === 'infer-serving')?.outputs.map((o) => [o.key.split('/').pop(), o.versionId])).toEqual([
      ['mask.nii.gz', 'v0'],
      ['volumes.json', 'v1'],
    ]);
    await exec.cancel(b.id, { force: true });
    await exec.tickNow();
    expect((await runRow(b.id)).status).toBe('cancelled');
  });

  it('shows what a pending step waits for, a failed shadow does not fail the run, and a workflow gone from Argo ends its run with the reason', async () => {
    const run = await queued();
    await exec.tickNow();
    const name = `segflow-run-${run.id}`;
    const params = Object.entries(submittedParams.get(name)!).map(([n, value]) => ({ name: n, value }));
    const wf = reportedWorkflow(name, 'Running', params, [
      { task: 'ingest', phase: 'Succeeded', result: await stored(run, 'ingest', 'ingest', []) },
      { task: 'deidentify', phase: 'Succeeded', result: await stored(run, 'deidentify', 'deidentify', ['volume.nii.gz']) },
      { task: 'convert', phase: 'Succeeded', result: await stored(run, 'convert', 'convert', ['volume.nii.gz']) },
      { task: 'infer-serving', phase: 'Pending', message: 'Unschedulable: 0/3 nodes are available: 3 Insufficient nvidia.com/gpu.' },
    ]);
    cluster.set(name, wf);
    await exec.tickNow();
    const infer = (await stepsOf(run.id))['infer-serving'];
    expect(infer).toMatchObject({ status: 'pending', detail: 'waiting for a GPU node', error: null });

    report(run, 'Succeeded', [
      { task: 'ingest', phase: 'Succeeded', result: await stored(run, 'ingest', 'ingest', []) },
      { task: 'deidentify', phase: 'Succeeded', result: await stored(run, 'deidentify', 'deidentify', ['volume.nii.gz']) },
      { task: 'convert', phase: 'Succeeded', result: await stored(run, 'convert', 'convert', ['volume.nii.gz']) },
      { task: 'infer-serving', phase: 'Succeeded', result: await stored(run, 'infer', 'infer-serving', ['mask.nii.gz']) },
      { task: 'infer-shadow', phase: 'Failed', message: '{"error":"infer: out of memory"}' },
      { task: 'compare', phase: 'Skipped', message: "when 'false' evaluated false" },
    ]);
    await exec.tickNow();
    expect(await runRow(run.id)).toMatchObject({ status: 'succeeded', error: null });
    const steps = await stepsOf(run.id);
    expect(steps['infer-shadow']).toMatchObject({ status: 'failed', error: 'infer: out of memory' });
    expect(steps['infer-serving']).toMatchObject({ status: 'succeeded', detail: null });

    const lost = await queued(false);
    await exec.tickNow();
    cluster.delete(`segflow-run-${lost.id}`);
    await exec.tickNow();
    expect(await runRow(lost.id)).toMatchObject({
      status: 'failed',
      error: `workflow segflow-run-${lost.id} is gone from Argo (deleted, or removed by its TTL or archived) before segflow saw it finish`,
    });
  });

  it('fails the run with the failing task and its message, skips the rest, and still writes a manifest; retry runs it again from the failed step', async () => {
    const run = await queued();
    await exec.tickNow();
    report(run, 'Failed', [
      { task: 'ingest', phase: 'Succeeded', result: await stored(run, 'ingest', 'ingest', []) },
      { task: 'deidentify', phase: 'Failed', message: '{"error":"deidentify: every instance was held back (burned-in annotation)"}' },
    ]);
    await exec.tickNow();
    const failed = await runRow(run.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/^deidentify: .*every instance was held back/);
    expect(Object.fromEntries(Object.entries(await stepsOf(run.id)).map(([k, v]) => [k, v.status]))).toMatchObject({
      ingest: 'succeeded',
      deidentify: 'failed',
      convert: 'skipped',
      manifest: 'succeeded', // the failure manifest below was written
    });
    const m = ZSignedManifest.parse(JSON.parse(new TextDecoder().decode(await getObjectBytes({ key: failed.manifestKey! })))).manifest;
    expect(m.run.status).toBe('failed');

    argo.handlers.WorkflowService_RetryWorkflow = ({ params }) => {
      report(run, 'Running', [{ task: 'ingest', phase: 'Succeeded' }]);
      return { status: 200, body: cluster.get(params.name)! };
    };
    // the failed attempt started an hour ago (a retry the next morning)
    await getDb()
      .update(runs)
      .set({ startedAt: new Date(Date.now() - 3_600_000) })
      .where(eq(runs.id, run.id));
    const retriedAt = Date.now();
    const again = await exec.retry(run.id);
    expect(again).toMatchObject({ status: 'running', error: null, finishedAt: null, externalId: `argo:segflow/segflow-run-${run.id}` });
    // the new attempt's own clock: "took" is not the wait before the retry
    expect(again.startedAt!.getTime()).toBeGreaterThanOrEqual(retriedAt);
    expect(argo.requests.find((r) => r.operationId === 'WorkflowService_RetryWorkflow')).toMatchObject({
      method: 'PUT',
      path: `/api/v1/workflows/segflow/segflow-run-${run.id}/retry`,
      bodyErrors: [],
    });
    expect(Object.fromEntries(Object.entries(await stepsOf(run.id)).map(([k, v]) => [k, v.status]))).toMatchObject({
      ingest: 'succeeded',
      deidentify: 'pending',
      convert: 'pending',
      manifest: 'pending', // the new attempt writes its own
    });
    await expect(exec.retry(run.id)).rejects.toThrow(/is running: expected failed or cancelled/);
    await exec.cancel(run.id, { force: true });
    await exec.tickNow();
    expect((await runRow(run.id)).status).toBe('cancelled');
  });

  it('cancels a queued run at once, and a running one by stopping its workflow: cancelled when Argo says it stopped', async () => {
    const waiting = await queued(false);
    expect(await exec.cancel(waiting.id, { reason: 'wrong series' })).toMatchObject({ status: 'cancelled', error: 'cancelled: wrong series' });
    // every step of the run is recorded as cancelled, as a run cancelled mid-run shows its unfinished ones
    const waitingSteps = Object.values(await stepsOf(waiting.id));
    expect(waitingSteps.length).toBeGreaterThan(0);
    expect(new Set(waitingSteps.map((st) => st.status))).toEqual(new Set(['cancelled']));
    const run = await queued(false);
    await exec.tickNow();
    const ingestRef = await stored(run, 'ingest', 'ingest', []);
    argo.handlers.WorkflowService_StopWorkflow = ({ params, body }) => {
      report(
        run,
        'Failed',
        [
          { task: 'ingest', phase: 'Succeeded', result: ingestRef },
          { task: 'deidentify', phase: 'Failed', message: "Stopped with strategy 'Stop'" },
        ],
        "Stopped with strategy 'Stop'",
      );
      expect(body).toEqual({ name: params.name, namespace: 'segflow', message: 'operator asked' });
      return { status: 200, body: cluster.get(params.name)! };
    };
    await exec.cancel(run.id, { reason: 'operator asked' });
    await exec.tickNow();
    expect(await runRow(run.id)).toMatchObject({ status: 'cancelled', error: "cancelled: Stopped with strategy 'Stop'" });
    expect(Object.values(await stepsOf(run.id)).map((s) => s.status)).not.toContain('running');
    expect(argo.responseErrors).toEqual([]);
  });
});
