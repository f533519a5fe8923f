import { argoPodName } from './argo-pod-name';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TObjectRef } from '@/lib/pipeline/step-contract';
import { freePort } from '@/test/free-port';
import { ARGO_TEST_TOKEN, applyFields, startMockArgoServer, validateArgoRef, type MockArgoServer } from '@/test/mock-argo-server';
import { actOnWorkflow, ArgoError, getWorkflow, LIST_FIELDS, listWorkflows, submitWorkflow } from './argo-client';
import { parseConfig } from '@/lib/config';
import { argoConnection } from './argo-connection';
import { argoRequest } from './argo-http';

let argo: MockArgoServer;
let requests: MockArgoServer['requests'];
let responseErrors: string[];
let handlers: MockArgoServer['handlers'];
let base: string;
const TOKEN = ARGO_TEST_TOKEN;

beforeAll(async () => {
  argo = await startMockArgoServer();
  ({ base, requests, responseErrors } = argo);
});

afterAll(() => argo.close());

beforeEach(() => {
  argo.reset();
  handlers = argo.handlers;
});

const conn = () => ({ server: base, token: TOKEN, namespace: 'segflow' });
const T0 = '2026-03-01T10:00:00Z';
const at = (s: number) => new Date(Date.parse(T0) + s * 1000).toISOString().replace('.000Z', 'Z');
const sha = (c: string) => c.repeat(64);
/** what a step's `result` output parameter holds: the reference to its stored result */
const stepResult = (task: string, name: string): TObjectRef => ({
  key: `pipeline/p/results/${task.replace(/-.*/, '')}/r/${task}.json`,
  versionId: `v-${task}-${name}`,
  sha256: sha('e'),
  size: 42,
});

/** a workflow created from the template, as Argo Server returns it */
function workflow(name: string, parameters: { name: string; value: string }[], status?: Record<string, unknown>) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      name,
      namespace: 'segflow',
      uid: '5f0c1d8e-0000-4000-8000-000000000001',
      creationTimestamp: T0,
      labels: { 'workflows.argoproj.io/workflow-template': 'segflow-pipeline' },
    },
    spec: { workflowTemplateRef: { name: 'segflow-pipeline' }, arguments: { parameters } },
    ...(status ? { status } : {}),
  };
}

type Node = Record<string, unknown> & { id: string; name: string; type: string };

/** the nodes of a DAG task with a retry strategy: a Retry node and one Pod per attempt */
function retryTask(
  wf: string,
  task: string,
  template: string,
  attempts: { phase: string; message?: string; exitCode: string; result?: TObjectRef }[],
  start: number,
): Node[] {
  const id = `${wf}-${task}`;
  const pods = attempts.map((a, i) => ({
    id: `${id}-${i}`,
    name: `${wf}.${task}(${i})`,
    displayName: `${task}(${i})`,
    type: 'Pod',
    templateName: template,
    boundaryID: wf,
    phase: a.phase,
    ...(a.message ? { message: a.message } : {}),
    startedAt: at(start + i * 20),
    finishedAt: at(start + i * 20 + 15),
    outputs: { exitCode: a.exitCode, ...(a.result ? { parameters: [{ name: 'result', value: JSON.stringify(a.result) }] } : {}) },
  }));
  const last = attempts.at(-1)!;
  return [
    {
      id,
      name: `${wf}.${task}`,
      displayName: task,
      type: 'Retry',
      templateName: template,
      boundaryID: wf,
      phase: last.phase,
      ...(last.phase === 'Failed' ? { message: 'No more retries left' } : {}),
      startedAt: at(start),
      finishedAt: at(start + (attempts.length - 1) * 20 + 15),
      children: pods.map((p) => p.id),
      outputs: { exitCode: last.exitCode, ...(last.result ? { parameters: [{ name: 'result', value: JSON.stringify(last.result) }] } : {}) },
    },
    ...pods,
  ];
}

const nodeMap = (nodes: Node[]) => Object.fromEntries(nodes.map((n) => [n.id, n]));

describe('submitWorkflow', () => {
  it('POSTs a WorkflowSubmitRequest the spec accepts and returns the created workflow', async () => {
    handlers.WorkflowService_SubmitWorkflow = ({ params, body }) => {
      const b = body as { resourceName: string; submitOptions: { generateName: string; parameters: string[]; labels?: string } };
      const parameters = b.submitOptions.parameters.map((p) => ({ name: p.slice(0, p.indexOf('=')), value: p.slice(p.indexOf('=') + 1) }));
      const wf = workflow(`${b.submitOptions.generateName}x7k2p`, parameters);
      wf.metadata.namespace = params.namespace;
      Object.assign(
        wf.metadata.labels,
        Object.fromEntries(
          (b.submitOptions.labels ?? '')
            .split(',')
            .filter(Boolean)
            .map((kv) => kv.split('=')),
        ),
      );
      return { status: 200, body: wf };
    };
    const invocation = JSON.stringify({ step: 'ingest', task: 'ingest', note: 'a=b, c' });
    const created = await submitWorkflow({
      ...conn(),
      templateName: 'segflow-pipeline',
      parameters: { serving: 'live', shadow: 'false', 'deid-secret-name': 'segflow-deid-p1', 'invocation-ingest': invocation },
      labels: { 'segflow.io/run': '6b8f2f0e-1111-4111-8111-111111111111', 'segflow.io/project': 'p1' },
    });
    expect(created).toEqual({ name: 'segflow-pipeline-x7k2p', namespace: 'segflow', uid: '5f0c1d8e-0000-4000-8000-000000000001' });

    expect(requests).toHaveLength(1);
    const [r] = requests;
    expect(r).toMatchObject({
      method: 'POST',
      path: '/api/v1/workflows/segflow/submit',
      operationId: 'WorkflowService_SubmitWorkflow',
      auth: `Bearer ${TOKEN}`,
      bodyErrors: [],
    });
    expect(r.body).toEqual({
      namespace: 'segflow',
      resourceKind: 'WorkflowTemplate',
      resourceName: 'segflow-pipeline',
      submitOptions: {
        generateName: 'segflow-pipeline-',
        parameters: ['serving=live', 'shadow=false', 'deid-secret-name=segflow-deid-p1', `invocation-ingest=${invocation}`],
        labels: 'segflow.io/run=6b8f2f0e-1111-4111-8111-111111111111,segflow.io/project=p1',
      },
    });
    expect(responseErrors).toEqual([]);
  });

  it("the mock's validation has teeth: a body the spec does not allow is refused", () => {
    const ref = '#/definitions/io.argoproj.workflow.v1alpha1.WorkflowSubmitRequest';
    expect(validateArgoRef(ref, { resourceKind: 'WorkflowTemplate', resourceName: 'x', submitOptions: { parameters: ['a=b'] } })).toEqual([]);
    expect(validateArgoRef(ref, { resourceKind: 'WorkflowTemplate', submitOptions: { parameters: 'a=b' } }).join()).toContain(
      '/submitOptions/parameters must be array',
    );
    expect(validateArgoRef(ref, { resourceKind: 'WorkflowTemplate', submitOption: {} }).join()).toContain('"additionalProperty":"submitOption"');
    expect(validateArgoRef(ref, { submitOptions: { labels: { a: 'b' } } }).join()).toContain('/submitOptions/labels must be string');
  });

  it('takes a token with its Bearer prefix and a server without a scheme as https', async () => {
    handlers.WorkflowService_SubmitWorkflow = () => ({ status: 200, body: workflow('w1', []) });
    await submitWorkflow({ ...conn(), token: `Bearer ${TOKEN}`, parameters: {} });
    expect(requests[0].auth).toBe(`Bearer ${TOKEN}`);
    // https to a plain-HTTP server: the TLS handshake fails, and the error says where it went
    await expect(submitWorkflow({ ...conn(), server: base.replace('http://', ''), parameters: {} })).rejects.toThrow(
      /could not reach https:\/\/127\.0\.0\.1:\d+/,
    );
  });

  it('refuses labels and parameter names Argo would misread, before sending anything', async () => {
    await expect(submitWorkflow({ ...conn(), parameters: {}, labels: { run: 'a,b=c' } })).rejects.toThrow(/label run=a,b=c: not a valid Kubernetes label/);
    await expect(submitWorkflow({ ...conn(), parameters: { 'a=b': 'c' } })).rejects.toThrow(/parameter name "a=b"/);
    expect(requests).toHaveLength(0);
  });

  it("names the HTTP status and Argo's message: 401 for a bad token, 404 for a missing template", async () => {
    const bad = await submitWorkflow({ ...conn(), token: 'stale-token-4f2a', parameters: {} }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ArgoError);
    expect((bad as ArgoError).status).toBe(401);
    expect((bad as ArgoError).argoMessage).toBe('token not valid. see https://argo-workflows.readthedocs.io/en/latest/faq/');
    expect((bad as Error).message).toBe(
      'Argo Server POST /api/v1/workflows/segflow/submit: HTTP 401 Unauthorized: token not valid. see https://argo-workflows.readthedocs.io/en/latest/faq/ (is the token — ARGO_TOKEN or ARGO_TOKEN_FILE — valid and not expired?)',
    );
    expect((bad as Error).message).not.toContain('stale-token-4f2a');

    handlers.WorkflowService_SubmitWorkflow = ({ body }) => ({
      status: 404,
      body: { code: 5, message: `workflowtemplates.argoproj.io "${(body as { resourceName: string }).resourceName}" not found` },
    });
    await expect(submitWorkflow({ ...conn(), templateName: 'segflow-pipeline-v9', parameters: {} })).rejects.toThrow(
      'Argo Server POST /api/v1/workflows/segflow/submit: HTTP 404 Not Found: workflowtemplates.argoproj.io "segflow-pipeline-v9" not found',
    );
    expect(responseErrors).toEqual([]);
  });

  it('says when the server cannot be reached', async () => {
    const closed = await freePort();
    await expect(submitWorkflow({ ...conn(), server: `http://127.0.0.1:${closed}`, parameters: {} })).rejects.toThrow(
      new RegExp(`could not reach http://127\\.0\\.0\\.1:${closed}: .*ECONNREFUSED`),
    );
  });
});

describe('getWorkflow', () => {
  const wf = 'segflow-pipeline-x7k2p';

  it('maps a succeeded canary run with a shadow to per-task statuses with results and attempts', async () => {
    const results = {
      ingest: stepResult('ingest', 'inputs.json'),
      deidentify: stepResult('deidentify', 'volume.nii.gz'),
      convert: stepResult('convert', 'volume.nii.gz'),
      'infer-serving': stepResult('infer-serving', 'mask.nii.gz'),
      'infer-shadow': stepResult('infer-shadow', 'mask.nii.gz'),
      compare: stepResult('compare', 'metrics.json'),
    };
    const nodes: Node[] = [
      {
        id: wf,
        name: wf,
        displayName: wf,
        type: 'DAG',
        templateName: 'pipeline',
        phase: 'Succeeded',
        startedAt: at(0),
        finishedAt: at(300),
        children: [`${wf}-ingest`],
      },
      // ingest failed once (an S3 hiccup), then succeeded
      ...retryTask(
        wf,
        'ingest',
        'ingest',
        [
          { phase: 'Failed', exitCode: '1', message: 'main: Error (exit code 1): ...\n{"error":"raw-phi/p/s/0: socket hang up"}' },
          { phase: 'Succeeded', exitCode: '0', result: results.ingest },
        ],
        1,
      ),
      ...retryTask(wf, 'deidentify', 'deidentify', [{ phase: 'Succeeded', exitCode: '0', result: results.deidentify }], 60),
      ...retryTask(wf, 'convert', 'convert', [{ phase: 'Succeeded', exitCode: '0', result: results.convert }], 90),
      ...retryTask(wf, 'infer-serving', 'infer', [{ phase: 'Succeeded', exitCode: '0', result: results['infer-serving'] }], 120),
      ...retryTask(wf, 'infer-shadow', 'infer', [{ phase: 'Succeeded', exitCode: '0', result: results['infer-shadow'] }], 120),
      ...retryTask(wf, 'compare', 'compare', [{ phase: 'Succeeded', exitCode: '0', result: results.compare }], 250),
    ];
    handlers.WorkflowService_GetWorkflow = ({ params }) =>
      params.name === wf
        ? {
            status: 200,
            body: workflow(
              wf,
              [
                { name: 'shadow', value: 'true' },
                { name: 'deid-secret-name', value: 'segflow-deid-p1' },
              ],
              {
                phase: 'Succeeded',
                startedAt: at(0),
                finishedAt: at(300),
                progress: '7/7',
                nodes: nodeMap(nodes),
              },
            ),
          }
        : { status: 404, body: { code: 5, message: `workflows.argoproj.io "${params.name}" not found` } };

    const status = await getWorkflow({ ...conn(), name: wf });
    expect(responseErrors).toEqual([]);
    expect(requests[0]).toMatchObject({ method: 'GET', path: `/api/v1/workflows/segflow/${wf}`, operationId: 'WorkflowService_GetWorkflow' });
    expect(status).toMatchObject({ name: wf, phase: 'Succeeded', startedAt: at(0), finishedAt: at(300) });
    expect(status.tasks.map((t) => t.task)).toEqual(['ingest', 'deidentify', 'convert', 'infer-serving', 'infer-shadow', 'compare']);
    // each attempt's pod, as Argo names it: <workflow>-<template>-<fnv1a32 of the node name>
    const pod = (node: string, template: string) => argoPodName(wf, { name: `${wf}.${node}`, templateName: template });
    expect(status.tasks[0]).toEqual({
      task: 'ingest',
      phase: 'Succeeded',
      startedAt: at(1),
      finishedAt: at(36),
      attempts: 2,
      pods: [pod('ingest(0)', 'ingest'), pod('ingest(1)', 'ingest')],
      resultRef: results.ingest,
    });
    expect(status.tasks.find((t) => t.task === 'infer-serving')).toEqual({
      task: 'infer-serving',
      phase: 'Succeeded',
      startedAt: at(120),
      finishedAt: at(135),
      attempts: 1,
      pods: [pod('infer-serving(0)', 'infer')],
      resultRef: results['infer-serving'],
    });
    for (const t of status.tasks) expect(t.resultRef).toEqual(results[t.task as keyof typeof results]);
  });

  it("maps a failed live run without a shadow: the step's error, skipped shadow tasks, tasks not reached left out", async () => {
    const nodes: Node[] = [
      {
        id: wf,
        name: wf,
        displayName: wf,
        type: 'DAG',
        templateName: 'pipeline',
        phase: 'Failed',
        startedAt: at(0),
        finishedAt: at(200),
        message: 'child failed',
      },
      ...retryTask(wf, 'ingest', 'ingest', [{ phase: 'Succeeded', exitCode: '0', result: stepResult('ingest', 'inputs.json') }], 1),
      ...retryTask(wf, 'deidentify', 'deidentify', [{ phase: 'Succeeded', exitCode: '0', result: stepResult('deidentify', 'volume.nii.gz') }], 30),
      ...retryTask(
        wf,
        'convert',
        'convert',
        [1, 2, 3].map(() => ({
          phase: 'Failed',
          exitCode: '1',
          message: 'main: Error (exit code 1): tsx loaded\n{"error":"convert: deidentify wrote no volume.nii.gz"}',
        })),
        60,
      ),
      {
        id: `${wf}-infer-shadow`,
        name: `${wf}.infer-shadow`,
        displayName: 'infer-shadow',
        type: 'Skipped',
        templateName: 'infer',
        boundaryID: wf,
        phase: 'Skipped',
        message: "when 'false == true' evaluated false",
        startedAt: at(61),
        finishedAt: at(61),
      },
    ];
    handlers.WorkflowService_GetWorkflow = () => ({
      status: 200,
      body: workflow(wf, [{ name: 'shadow', value: 'false' }], {
        phase: 'Failed',
        message: 'child failed',
        startedAt: at(0),
        finishedAt: at(200),
        nodes: nodeMap(nodes),
      }),
    });
    const status = await getWorkflow({ ...conn(), name: wf });
    expect(responseErrors).toEqual([]);
    expect(status.phase).toBe('Failed');
    expect(status.message).toBe('child failed');
    expect(status.tasks.map((t) => [t.task, t.phase, t.attempts])).toEqual([
      ['ingest', 'Succeeded', 1],
      ['deidentify', 'Succeeded', 1],
      ['convert', 'Failed', 3],
      ['infer-shadow', 'Skipped', 0],
    ]);
    expect(status.tasks[2].message).toBe('convert: deidentify wrote no volume.nii.gz');
    expect(status.tasks[2].resultRef).toBeUndefined();
    expect(status.tasks[3].message).toBe("when 'false == true' evaluated false");
  });

  it('reads a workflow the controller has not picked up yet as Pending with no tasks', async () => {
    handlers.WorkflowService_GetWorkflow = () => ({ status: 200, body: workflow(wf, []) });
    expect(await getWorkflow({ ...conn(), name: wf })).toEqual({
      name: wf,
      labels: { 'workflows.argoproj.io/workflow-template': 'segflow-pipeline' },
      phase: 'Pending',
      tasks: [],
      nodesOffloaded: false,
    });
  });

  it("names the HTTP status and Argo's message for a workflow that is not there", async () => {
    handlers.WorkflowService_GetWorkflow = ({ params }) => ({ status: 404, body: { code: 5, message: `workflows.argoproj.io "${params.name}" not found` } });
    const err = await getWorkflow({ ...conn(), name: 'gone' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArgoError);
    expect(err).toMatchObject({ status: 404, argoMessage: 'workflows.argoproj.io "gone" not found' });
    expect((err as Error).message).toBe('Argo Server GET /api/v1/workflows/segflow/gone: HTTP 404 Not Found: workflows.argoproj.io "gone" not found');
    const unauthorized = await getWorkflow({ ...conn(), token: 'nope', name: wf }).catch((e: unknown) => e);
    expect((unauthorized as Error).message).toMatch(
      /^Argo Server GET \/api\/v1\/workflows\/segflow\/segflow-pipeline-x7k2p: HTTP 401 Unauthorized: token not valid/,
    );
    expect(responseErrors).toEqual([]);
  });

  it("refuses a succeeded task whose result is not a stored result's reference", async () => {
    const nodes = retryTask(wf, 'ingest', 'ingest', [{ phase: 'Succeeded', exitCode: '0' }], 1);
    (nodes[0].outputs as { parameters?: unknown }).parameters = [{ name: 'result', value: '{"outputs":[{"key":"x"}]}' }];
    handlers.WorkflowService_GetWorkflow = () => ({ status: 200, body: workflow(wf, [], { phase: 'Running', nodes: nodeMap(nodes) }) });
    await expect(getWorkflow({ ...conn(), name: wf })).rejects.toThrow(
      /^Argo Server GET \/api\/v1\/workflows\/segflow\/segflow-pipeline-x7k2p: task ingest: result is not a stored result's reference: key: /,
    );
    (nodes[0].outputs as { parameters?: unknown }).parameters = [{ name: 'result', value: 'Killed' }];
    await expect(getWorkflow({ ...conn(), name: wf })).rejects.toThrow(/task ingest: result is not JSON: Killed/);
    expect(responseErrors).toEqual([]);
  });
});

describe("submitWorkflow under the run's name", () => {
  it('sends submitOptions.name, and a second submission is a 409 the caller can tell apart', async () => {
    const created = new Set<string>();
    handlers.WorkflowService_SubmitWorkflow = ({ body }) => {
      const name = (body as { submitOptions: { name: string } }).submitOptions.name;
      if (created.has(name)) return { status: 409, body: { code: 6, message: `workflows.argoproj.io "${name}" already exists` } };
      created.add(name);
      return { status: 200, body: workflow(name, []) };
    };
    const name = 'segflow-run-6b8f2f0e-1111-4111-8111-111111111111';
    expect((await submitWorkflow({ ...conn(), parameters: {}, name })).name).toBe(name);
    const again = await submitWorkflow({ ...conn(), parameters: {}, name }).catch((e: unknown) => e);
    expect(again).toMatchObject({ status: 409, argoMessage: `workflows.argoproj.io "${name}" already exists` });
    expect(requests.map((r) => [r.bodyErrors, (r.body as { submitOptions: Record<string, unknown> }).submitOptions.generateName])).toEqual([
      [[], undefined],
      [[], undefined],
    ]);
    await expect(submitWorkflow({ ...conn(), parameters: {}, name: 'Not_A_Name' })).rejects.toThrow(/not a valid Kubernetes name/);
    expect(responseErrors).toEqual([]);
  });
});

describe('listWorkflows', () => {
  const full = (name: string, _run: string, phase: string) =>
    workflow(name, [], {
      phase,
      startedAt: at(0),
      storedWorkflowTemplateSpec: { entrypoint: 'pipeline', templates: [{ name: 'pipeline', dag: { tasks: [] } }] },
      nodes: nodeMap(retryTask(name, 'ingest', 'ingest', [{ phase: 'Succeeded', exitCode: '0', result: stepResult('ingest', 'x') }], 1)),
    });

  it('asks once, with the label selector and only the fields it reads, and pages with continue', async () => {
    const all = [full('wf-a', 'a', 'Running'), full('wf-b', 'b', 'Running'), full('wf-c', 'c', 'Pending')];
    for (const [i, w] of all.entries()) Object.assign(w.metadata.labels, { 'segflow.io/run': `run-${i}` });
    handlers.WorkflowService_ListWorkflows = ({ query }) => {
      const start = Number(query.get('listOptions.continue') ?? 0);
      const limit = Number(query.get('listOptions.limit'));
      const page = all.slice(start, start + limit);
      const body = { metadata: start + limit < all.length ? { continue: String(start + limit) } : {}, items: page };
      return { status: 200, body: applyFields(body, query.get('fields')) };
    };
    const got = await listWorkflows({ ...conn(), labelSelector: 'segflow.io/run,workflows.argoproj.io/completed!=true', limit: 2 });
    expect(responseErrors).toEqual([]);
    expect(requests.map((r) => [r.operationId, r.bodyErrors, r.query['listOptions.labelSelector'], r.query['listOptions.continue']])).toEqual([
      ['WorkflowService_ListWorkflows', [], 'segflow.io/run,workflows.argoproj.io/completed!=true', undefined],
      ['WorkflowService_ListWorkflows', [], 'segflow.io/run,workflows.argoproj.io/completed!=true', '2'],
    ]);
    expect(requests[0].query.fields).toBe(LIST_FIELDS.join(','));
    expect(got.map((w) => [w.name, w.phase, w.labels['segflow.io/run'], w.tasks.map((t) => t.resultRef?.versionId)])).toEqual([
      ['wf-a', 'Running', 'run-0', ['v-ingest-x']],
      ['wf-b', 'Running', 'run-1', ['v-ingest-x']],
      ['wf-c', 'Pending', 'run-2', ['v-ingest-x']],
    ]);
    // what the fields leave out is what the executor does not read: the stored template
    expect(JSON.stringify(applyFields({ items: [full('x', 'x', 'Running')] }, LIST_FIELDS.join(',')))).not.toContain('storedWorkflowTemplateSpec');
  });

  it('reads a list whose nodes are offloaded as such (the executor then GETs that workflow), and an empty list', async () => {
    const offloaded = workflow('wf-o', [], { phase: 'Running', offloadNodeStatusVersion: 'fnv:123' });
    handlers.WorkflowService_ListWorkflows = () => ({ status: 200, body: { metadata: {}, items: [offloaded] } });
    expect((await listWorkflows({ ...conn(), labelSelector: 'segflow.io/run' }))[0]).toMatchObject({ name: 'wf-o', nodesOffloaded: true, tasks: [] });
    handlers.WorkflowService_ListWorkflows = () => ({ status: 200, body: { metadata: {}, items: [] } });
    expect(await listWorkflows({ ...conn(), labelSelector: 'segflow.io/run' })).toEqual([]);
    expect(responseErrors).toEqual([]);
  });

  it('the mock refuses a query parameter Argo does not declare (a client bug Argo would silently ignore)', async () => {
    handlers.WorkflowService_ListWorkflows = () => ({ status: 200, body: { metadata: {}, items: [] } });
    await expect(argoRequest(conn(), 'GET', '/api/v1/workflows/segflow?labelSelector=segflow.io/run')).rejects.toMatchObject({ status: 400 });
    expect(requests[0].bodyErrors).toEqual(["query parameter labelSelector is not one of WorkflowService_ListWorkflows's"]);
  });
});

describe('stop, terminate, retry and resubmit', () => {
  it('PUTs the request body each operation declares, and returns the workflow it acted on', async () => {
    const seen: string[] = [];
    for (const op of ['Stop', 'Terminate', 'Retry', 'Resubmit'] as const) {
      handlers[`WorkflowService_${op}Workflow`] = ({ params }) => {
        seen.push(op);
        return { status: 200, body: workflow(op === 'Resubmit' ? `${params.name}-r8x2` : params.name, []) };
      };
    }
    const name = 'segflow-run-6b8f2f0e-1111-4111-8111-111111111111';
    expect(await actOnWorkflow({ ...conn(), name, action: 'stop', message: 'cancelled by operator@demo' })).toEqual({ name });
    expect(await actOnWorkflow({ ...conn(), name, action: 'terminate' })).toEqual({ name });
    expect(await actOnWorkflow({ ...conn(), name, action: 'retry' })).toEqual({ name });
    expect(await actOnWorkflow({ ...conn(), name, action: 'resubmit' })).toEqual({ name: `${name}-r8x2` });
    expect(seen).toEqual(['Stop', 'Terminate', 'Retry', 'Resubmit']);
    expect(requests.map((r) => [r.method, r.path, r.bodyErrors])).toEqual(
      ['stop', 'terminate', 'retry', 'resubmit'].map((a) => ['PUT', `/api/v1/workflows/segflow/${name}/${a}`, []]),
    );
    expect(requests[0].body).toEqual({ name, namespace: 'segflow', message: 'cancelled by operator@demo' });
    expect(requests[1].body).toEqual({ name, namespace: 'segflow' });
    expect(responseErrors).toEqual([]);
  });

  it('names a workflow that is gone', async () => {
    handlers.WorkflowService_StopWorkflow = ({ params }) => ({ status: 404, body: { code: 5, message: `workflows.argoproj.io "${params.name}" not found` } });
    await expect(actOnWorkflow({ ...conn(), name: 'gone', action: 'stop' })).rejects.toMatchObject({
      status: 404,
      message: 'Argo Server PUT /api/v1/workflows/segflow/gone/stop: HTTP 404 Not Found: workflows.argoproj.io "gone" not found',
    });
  });
});

describe('reading what a pending task waits for', () => {
  it('shows "waiting for a GPU node" for an unschedulable inference pod, and why other steps wait', async () => {
    const wf = 'segflow-run-w';
    const pendingPod = (task: string, template: string, message: string) => [
      {
        id: `${wf}-${task}`,
        name: `${wf}.${task}`,
        displayName: task,
        type: 'Retry',
        templateName: template,
        boundaryID: wf,
        phase: 'Running',
        startedAt: at(0),
        children: [`${wf}-${task}-0`],
      },
      {
        id: `${wf}-${task}-0`,
        name: `${wf}.${task}(0)`,
        displayName: `${task}(0)`,
        type: 'Pod',
        templateName: template,
        boundaryID: wf,
        phase: 'Pending',
        message,
        startedAt: at(0),
      },
    ];
    const nodes: Node[] = [
      ...retryTask(wf, 'ingest', 'ingest', [{ phase: 'Succeeded', exitCode: '0', result: stepResult('ingest', 'x') }], 1),
      ...pendingPod(
        'infer-serving',
        'infer-serving',
        'Unschedulable: 0/4 nodes are available: 4 Insufficient nvidia.com/gpu. preemption: 0/4 nodes are available',
      ),
      ...pendingPod('deidentify', 'deidentify', 'ErrImagePull: failed to pull and unpack image "ghcr.io/segflow/worker@sha256:00"'),
      ...pendingPod('convert', 'convert', 'CreateContainerConfigError: secret "segflow-deid-p1" not found'),
    ];
    handlers.WorkflowService_GetWorkflow = () => ({
      status: 200,
      body: workflow(wf, [{ name: 'shadow', value: 'false' }], { phase: 'Running', startedAt: at(0), nodes: nodeMap(nodes) }),
    });
    const status = await getWorkflow({ ...conn(), name: wf });
    expect(responseErrors).toEqual([]);
    expect(Object.fromEntries(status.tasks.map((t) => [t.task, t.waiting ?? null]))).toEqual({
      ingest: null,
      deidentify: 'waiting: the worker image cannot be pulled (check its digest and the registry)',
      convert: 'waiting: a Secret or ConfigMap the step needs is missing',
      'infer-serving': 'waiting for a GPU node',
    });
  });
});

describe('the connection: tokens, TLS, configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'segflow-argo-tls-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to start without a token, or with a CA file that is not there, naming the variable', () => {
    expect(argoConnection(parseConfig({}))).toBeNull();
    expect(() => argoConnection(parseConfig({ ARGO_SERVER: 'argo:2746' }))).toThrow(/ARGO_SERVER is set but neither ARGO_TOKEN nor ARGO_TOKEN_FILE is/);
    expect(() => argoConnection(parseConfig({ ARGO_SERVER: 'argo:2746', ARGO_TOKEN: '  ' }))).toThrow(/neither ARGO_TOKEN nor ARGO_TOKEN_FILE/);
    expect(argoConnection(parseConfig({ ARGO_SERVER: 'a:2746', ARGO_TOKEN: 't' }))).toEqual({ server: 'a:2746', token: 't', namespace: 'segflow' });
    expect(argoConnection(parseConfig({ ARGO_SERVER: 'a:2746', ARGO_TOKEN_FILE: '/var/run/t', ARGO_NAMESPACE: 'research' }))).toEqual({
      server: 'a:2746',
      token: { file: '/var/run/t' },
      namespace: 'research',
    });
    expect(() => argoConnection(parseConfig({ ARGO_SERVER: 'a:2746', ARGO_TOKEN: 't', ARGO_CA_FILE: join(dir, 'missing.pem') }))).toThrow(
      /ARGO_CA_FILE=.*missing\.pem: no such file/,
    );
  });

  it('reads a projected token file again when the kubelet rotates it', async () => {
    handlers.WorkflowService_GetWorkflow = () => ({ status: 200, body: workflow('w', []) });
    const file = join(dir, 'token');
    writeFileSync(file, `${TOKEN}\n`);
    await getWorkflow({ ...conn(), token: { file }, name: 'w' });
    writeFileSync(file, 'rotated-token-value');
    const err = await getWorkflow({ ...conn(), token: { file }, name: 'w' }).catch((e: unknown) => e);
    expect(requests.map((r) => r.auth)).toEqual([`Bearer ${TOKEN}`, 'Bearer rotated-token-value']);
    expect((err as ArgoError).status).toBe(401);
    await expect(getWorkflow({ ...conn(), token: { file: join(dir, 'nope') }, name: 'w' })).rejects.toThrow(/ARGO_TOKEN_FILE .*nope: no such file/);
  });

  it('speaks HTTPS to a server whose certificate only the given CA bundle vouches for', async () => {
    // a CA and a server certificate for 127.0.0.1 signed by it, as Argo Server with a cluster CA has
    const o = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    o('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=segflow test CA');
    o('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=argo-server');
    writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
    o('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf');
    const tls = await startMockArgoServer({ tls: { key: readFileSync(join(dir, 'server.key'), 'utf8'), cert: readFileSync(join(dir, 'server.pem'), 'utf8') } });
    try {
      tls.handlers.WorkflowService_GetWorkflow = () => ({ status: 200, body: workflow('w', []) });
      const c = { server: tls.base, token: TOKEN, namespace: 'segflow' };
      await expect(getWorkflow({ ...c, name: 'w' })).rejects.toThrow(/could not reach https:\/\/127\.0\.0\.1:\d+: .*(self.signed|unable to (get|verify))/i);
      const withCa = argoConnection(parseConfig({ ARGO_SERVER: tls.base, ARGO_TOKEN: TOKEN, ARGO_CA_FILE: join(dir, 'ca.pem') }))!;
      expect((await getWorkflow({ ...withCa, name: 'w' })).name).toBe('w');
      expect(tls.responseErrors).toEqual([]);
    } finally {
      await tls.close();
    }
  });
});
