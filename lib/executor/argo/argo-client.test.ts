/**
 * The Argo Server client against a mock that checks every request and response against Argo's
 * published OpenAPI spec (test/mock-argo-server.ts): submitting and reading workflows.
 */
import { argoPodName } from './argo-pod-name';
import { describe, expect, it } from 'vitest';
import { freePort } from '@/test/free-port';
import { ARGO_TEST_TOKEN, validateArgoRef } from '@/test/mock-argo-server';
import { ArgoError, getWorkflow, submitWorkflow } from './argo-client';
import { at, stepResult, workflow, type Node, retryTask, nodeMap } from './test/argo-workflows';
import { mockArgoServerPerFile } from './test/mock-argo-per-file';

const argo = mockArgoServerPerFile();
const TOKEN = ARGO_TEST_TOKEN;
const conn = argo.conn;

describe('submitWorkflow', () => {
  it('POSTs a WorkflowSubmitRequest the spec accepts and returns the created workflow', async () => {
    argo.handlers.WorkflowService_SubmitWorkflow = ({ params, body }) => {
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

    expect(argo.requests).toHaveLength(1);
    const [r] = argo.requests;
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
    expect(argo.responseErrors).toEqual([]);
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
    argo.handlers.WorkflowService_SubmitWorkflow = () => ({ status: 200, body: workflow('w1', []) });
    await submitWorkflow({ ...conn(), token: `Bearer ${TOKEN}`, parameters: {} });
    expect(argo.requests[0].auth).toBe(`Bearer ${TOKEN}`);
    // https to a plain-HTTP server: the TLS handshake fails, and the error says where it went
    await expect(submitWorkflow({ ...conn(), server: argo.base.replace('http://', ''), parameters: {} })).rejects.toThrow(
      /could not reach https:\/\/127\.0\.0\.1:\d+/,
    );
  });

  it('refuses labels and parameter names Argo would misread, before sending anything', async () => {
    await expect(submitWorkflow({ ...conn(), parameters: {}, labels: { run: 'a,b=c' } })).rejects.toThrow(/label run=a,b=c: not a valid Kubernetes label/);
    await expect(submitWorkflow({ ...conn(), parameters: { 'a=b': 'c' } })).rejects.toThrow(/parameter name "a=b"/);
    expect(argo.requests).toHaveLength(0);
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

    argo.handlers.WorkflowService_SubmitWorkflow = ({ body }) => ({
      status: 404,
      body: { code: 5, message: `workflowtemplates.argoproj.io "${(body as { resourceName: string }).resourceName}" not found` },
    });
    await expect(submitWorkflow({ ...conn(), templateName: 'segflow-pipeline-v9', parameters: {} })).rejects.toThrow(
      'Argo Server POST /api/v1/workflows/segflow/submit: HTTP 404 Not Found: workflowtemplates.argoproj.io "segflow-pipeline-v9" not found',
    );
    expect(argo.responseErrors).toEqual([]);
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
    argo.handlers.WorkflowService_GetWorkflow = ({ params }) =>
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
    expect(argo.responseErrors).toEqual([]);
    expect(argo.requests[0]).toMatchObject({ method: 'GET', path: `/api/v1/workflows/segflow/${wf}`, operationId: 'WorkflowService_GetWorkflow' });
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
    argo.handlers.WorkflowService_GetWorkflow = () => ({
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
    expect(argo.responseErrors).toEqual([]);
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
    argo.handlers.WorkflowService_GetWorkflow = () => ({ status: 200, body: workflow(wf, []) });
    expect(await getWorkflow({ ...conn(), name: wf })).toEqual({
      name: wf,
      labels: { 'workflows.argoproj.io/workflow-template': 'segflow-pipeline' },
      phase: 'Pending',
      tasks: [],
      nodesOffloaded: false,
    });
  });

  it("names the HTTP status and Argo's message for a workflow that is not there", async () => {
    argo.handlers.WorkflowService_GetWorkflow = ({ params }) => ({
      status: 404,
      body: { code: 5, message: `workflows.argoproj.io "${params.name}" not found` },
    });
    const err = await getWorkflow({ ...conn(), name: 'gone' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArgoError);
    expect(err).toMatchObject({ status: 404, argoMessage: 'workflows.argoproj.io "gone" not found' });
    expect((err as Error).message).toBe('Argo Server GET /api/v1/workflows/segflow/gone: HTTP 404 Not Found: workflows.argoproj.io "gone" not found');
    const unauthorized = await getWorkflow({ ...conn(), token: 'nope', name: wf }).catch((e: unknown) => e);
    expect((unauthorized as Error).message).toMatch(
      /^Argo Server GET \/api\/v1\/workflows\/segflow\/segflow-pipeline-x7k2p: HTTP 401 Unauthorized: token not valid/,
    );
    expect(argo.responseErrors).toEqual([]);
  });

  it("refuses a succeeded task whose result is not a stored result's reference", async () => {
    const nodes = retryTask(wf, 'ingest', 'ingest', [{ phase: 'Succeeded', exitCode: '0' }], 1);
    (nodes[0].outputs as { parameters?: unknown }).parameters = [{ name: 'result', value: '{"outputs":[{"key":"x"}]}' }];
    argo.handlers.WorkflowService_GetWorkflow = () => ({ status: 200, body: workflow(wf, [], { phase: 'Running', nodes: nodeMap(nodes) }) });
    await expect(getWorkflow({ ...conn(), name: wf })).rejects.toThrow(
      /^Argo Server GET \/api\/v1\/workflows\/segflow\/segflow-pipeline-x7k2p: task ingest: result is not a stored result's reference: key: /,
    );
    (nodes[0].outputs as { parameters?: unknown }).parameters = [{ name: 'result', value: 'Killed' }];
    await expect(getWorkflow({ ...conn(), name: wf })).rejects.toThrow(/task ingest: result is not JSON: Killed/);
    expect(argo.responseErrors).toEqual([]);
  });
});

describe("submitWorkflow under the run's name", () => {
  it('sends submitOptions.name, and a second submission is a 409 the caller can tell apart', async () => {
    const created = new Set<string>();
    argo.handlers.WorkflowService_SubmitWorkflow = ({ body }) => {
      const name = (body as { submitOptions: { name: string } }).submitOptions.name;
      if (created.has(name)) return { status: 409, body: { code: 6, message: `workflows.argoproj.io "${name}" already exists` } };
      created.add(name);
      return { status: 200, body: workflow(name, []) };
    };
    const name = 'segflow-run-6b8f2f0e-1111-4111-8111-111111111111';
    expect((await submitWorkflow({ ...conn(), parameters: {}, name })).name).toBe(name);
    const again = await submitWorkflow({ ...conn(), parameters: {}, name }).catch((e: unknown) => e);
    expect(again).toMatchObject({ status: 409, argoMessage: `workflows.argoproj.io "${name}" already exists` });
    expect(argo.requests.map((r) => [r.bodyErrors, (r.body as { submitOptions: Record<string, unknown> }).submitOptions.generateName])).toEqual([
      [[], undefined],
      [[], undefined],
    ]);
    await expect(submitWorkflow({ ...conn(), parameters: {}, name: 'Not_A_Name' })).rejects.toThrow(/not a valid Kubernetes name/);
    expect(argo.responseErrors).toEqual([]);
  });
});
