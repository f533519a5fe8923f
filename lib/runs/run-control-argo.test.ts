import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as cancelRoute from '@/app/api/runs/[run]/cancel/route';
import * as retryRoute from '@/app/api/runs/[run]/retry/route';
import { runs, runSteps } from '@/db/schema';
import { resetConfig } from '@/lib/config';
import { getDb } from '@/lib/db';
import { ArgoExecutor, IN_PROGRESS_SELECTOR } from '@/lib/executor/argo/argo-executor';
import { registerModelVersion } from '@/lib/models/register-model-version';
import { setSlotVersion } from '@/lib/models/set-slot-version';
import { UploadApi } from '@/lib/uploads/client/upload-api';
import { UploadEngine } from '@/lib/uploads/client/upload-engine';
import { dispatchFetch } from '@/lib/uploads/test/dispatch-api';
import { fileSource, T1_NIFTI } from '@/lib/uploads/test/fixtures';
import { ARGO_TEST_TOKEN, startMockArgoServer, type MockArgoServer } from '@/test/mock-argo-server';
import { startRouteServer } from '@/test/route-server';
import { runCli } from '@/test/run-cli';
import { createTestProject, type TestProject } from '@/test/test-project';
import { submitRun } from './submit-run';

/**
 * Run control of Argo runs, from the app's side: `segflow runs cancel|retry` (a child process)
 * through the real routes, which call the Argo Server (a mock that checks every request and answer
 * against Argo's OpenAPI spec) with the app's ARGO_SERVER settings; the executor mirrors the result.
 */
let argo: MockArgoServer;
let tp: TestProject;
let seriesId: string;
let server: Awaited<ReturnType<typeof startRouteServer>>;
const modelName = `bt-ctl-argo-${randomBytes(3).toString('hex')}`;
const T0 = '2026-11-27T10:00:00Z';

type Wf = {
  metadata: { name: string; namespace: string; uid: string; creationTimestamp: string; labels: Record<string, string> };
  spec: unknown;
  status: { phase: string; startedAt: string; finishedAt?: string; message?: string; nodes: Record<string, unknown> };
};
const cluster = new Map<string, Wf>();

function serveCluster() {
  argo.handlers.WorkflowService_SubmitWorkflow = ({ body }) => {
    const name = (body as { submitOptions: { name: string } }).submitOptions.name;
    const wf: Wf = {
      metadata: {
        name,
        namespace: 'segflow',
        uid: '5f0c1d8e-0000-4000-8000-000000000009',
        creationTimestamp: T0,
        labels: { 'segflow.io/run': name.replace('segflow-run-', '') },
      },
      spec: { workflowTemplateRef: { name: 'segflow-pipeline' } },
      status: { phase: 'Running', startedAt: T0, nodes: {} },
    };
    cluster.set(name, wf);
    return { status: 200, body: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', ...wf } };
  };
  const answer = (wf: Wf) => ({ status: 200, body: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', ...wf } });
  argo.handlers.WorkflowService_ListWorkflows = ({ query }) => {
    expect(query.get('listOptions.labelSelector')).toBe(IN_PROGRESS_SELECTOR);
    return { status: 200, body: { metadata: {}, items: [...cluster.values()].filter((w) => w.status.phase === 'Running').map((w) => answer(w).body) } };
  };
  argo.handlers.WorkflowService_GetWorkflow = ({ params }) =>
    cluster.has(params.name) ? answer(cluster.get(params.name)!) : { status: 404, body: { code: 5, message: 'not found' } };
  argo.handlers.WorkflowService_StopWorkflow = ({ params }) => {
    const wf = cluster.get(params.name)!;
    Object.assign(wf.status, { phase: 'Failed', message: "Stopped with strategy 'Stop'", finishedAt: '2026-11-27T10:01:00Z' });
    return answer(wf);
  };
  argo.handlers.WorkflowService_RetryWorkflow = ({ params }) => {
    const wf = cluster.get(params.name)!;
    wf.status = { phase: 'Running', startedAt: T0, nodes: {} };
    return answer(wf);
  };
}

beforeAll(async () => {
  argo = await startMockArgoServer();
  Object.assign(process.env, { ARGO_SERVER: argo.base, ARGO_TOKEN: ARGO_TEST_TOKEN, ARGO_NAMESPACE: 'segflow' });
  resetConfig();
  tp = await createTestProject(getDb());
  const engine = new UploadEngine({
    api: new UploadApi({ baseUrl: 'http://segflow.test', token: tp.users.researcher.token, fetch: dispatchFetch() }),
    project: tp.slug,
  });
  engine.add([fileSource(T1_NIFTI)]);
  seriesId = (await engine.run()).volumes[0].id;
  const spec = { ...JSON.parse(readFileSync(join(process.cwd(), 'models', 'brain-tissue', 'spec.json'), 'utf8')), name: modelName };
  const { version } = await registerModelVersion(getDb(), { model: readFileSync(join(process.cwd(), 'models', 'brain-tissue', 'model.onnx')), spec });
  await setSlotVersion(getDb(), { modelId: version.modelId, versionId: version.id, stage: 'live', reason: 'test' });
  server = await startRouteServer([
    ['POST', /^\/api\/runs\/([^/]+)\/cancel$/, ['run'], cancelRoute.POST],
    ['POST', /^\/api\/runs\/([^/]+)\/retry$/, ['run'], retryRoute.POST],
  ]);
}, 120_000);

afterAll(async () => {
  await getDb()
    .update(runs)
    .set({ status: 'cancelled', error: 'test over', finishedAt: new Date() })
    .where(and(eq(runs.projectId, tp.id), inArray(runs.status, ['queued', 'running'])));
  await server?.close();
  await argo?.close();
  for (const k of ['ARGO_SERVER', 'ARGO_TOKEN', 'ARGO_NAMESPACE']) delete process.env[k];
  resetConfig();
});

const runRow = async (id: string) => (await getDb().select().from(runs).where(eq(runs.id, id)))[0];
const cli = (token: string, args: string[]) => runCli(['runs', ...args], { SEGFLOW_URL: server.url, SEGFLOW_TOKEN: token });
const lastJson = (out: string) => JSON.parse(out.trim().split('\n').at(-1)!) as { id: string; status: string; attempt: number; error: string | null };

describe('segflow runs cancel|retry on an Argo run (child process, real routes, OpenAPI-checked mock Argo Server)', () => {
  it('stops the workflow, the run is cancelled when Argo says so; retry retries the workflow as attempt 2; a researcher is refused', async () => {
    serveCluster();
    const { run } = await getDb().transaction((tx) =>
      submitRun(tx, { projectId: tp.id, seriesId, model: modelName, submittedBy: tp.users.researcher.id, executor: 'argo' }),
    );
    const exec = new ArgoExecutor({ server: argo.base, token: ARGO_TEST_TOKEN, namespace: 'segflow' }, { pollMs: 60_000, leaseS: 60 });
    await exec.tickNow();
    expect(await runRow(run.id)).toMatchObject({ status: 'running', externalId: `argo:segflow/segflow-run-${run.id}` });

    const refused = await cli(tp.users.researcher.token, ['cancel', run.id, '--reason', 'not mine to stop']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/POST \/api\/runs\/[0-9a-f-]+\/cancel: .*is running: you may cancel your own runs only while they are queued/);

    const cancelled = await cli(tp.users.operator.token, ['cancel', run.id, '--reason', 'wrong model']);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    const stop = argo.requests.find((r) => r.operationId === 'WorkflowService_StopWorkflow');
    expect(stop).toMatchObject({ method: 'PUT', path: `/api/v1/workflows/segflow/segflow-run-${run.id}/stop`, bodyErrors: [] });
    expect(stop?.body).toMatchObject({ message: 'wrong model' });
    await exec.tickNow();
    expect(await runRow(run.id)).toMatchObject({ status: 'cancelled', error: "cancelled: Stopped with strategy 'Stop'" });
    const steps = await getDb().select().from(runSteps).where(eq(runSteps.runId, run.id));
    expect(steps.map((s) => s.status)).not.toContain('running');

    const retried = await cli(tp.users.admin.token, ['retry', run.id, '--reason', 'right model now']);
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stderr).toMatch(/: running \(attempt 2\)/);
    expect(lastJson(retried.stdout)).toMatchObject({ id: run.id, status: 'running', attempt: 2, error: null });
    expect(argo.requests.find((r) => r.operationId === 'WorkflowService_RetryWorkflow')).toMatchObject({
      method: 'PUT',
      path: `/api/v1/workflows/segflow/segflow-run-${run.id}/retry`,
      bodyErrors: [],
    });
    // a second retry while the first is under way changes nothing, and asks Argo nothing
    const again = await cli(tp.users.operator.token, ['retry', run.id, '--reason', 'double click']);
    expect(lastJson(again.stdout)).toMatchObject({ status: 'running', attempt: 2 });
    expect(argo.requests.filter((r) => r.operationId === 'WorkflowService_RetryWorkflow')).toHaveLength(1);
    expect(argo.responseErrors).toEqual([]);

    const missing = await runCli(['runs', 'cancel', run.id], { SEGFLOW_URL: server.url, SEGFLOW_TOKEN: tp.users.operator.token });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/--reason/);
  }, 300_000); // five CLI child processes, on a machine shared by several
});
