/**
 * The Argo Server client, continued (same mock, same spec): listing, stop/terminate/retry/resubmit,
 * what a pending task waits for, and the connection (tokens, TLS, configuration).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ARGO_TEST_TOKEN, applyFields, startMockArgoServer } from '@/test/mock-argo-server';
import { actOnWorkflow, type ArgoError, getWorkflow, LIST_FIELDS, listWorkflows } from './argo-client';
import { parseConfig } from '@/lib/config';
import { argoConnection } from './argo-connection';
import { argoRequest } from './argo-http';
import { at, stepResult, workflow, type Node, retryTask, nodeMap } from './test/argo-workflows';
import { mockArgoServerPerFile } from './test/mock-argo-per-file';

const argo = mockArgoServerPerFile();
const TOKEN = ARGO_TEST_TOKEN;
const conn = argo.conn;

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
    argo.handlers.WorkflowService_ListWorkflows = ({ query }) => {
      const start = Number(query.get('listOptions.continue') ?? 0);
      const limit = Number(query.get('listOptions.limit'));
      const page = all.slice(start, start + limit);
      const body = { metadata: start + limit < all.length ? { continue: String(start + limit) } : {}, items: page };
      return { status: 200, body: applyFields(body, query.get('fields')) };
    };
    const got = await listWorkflows({ ...conn(), labelSelector: 'segflow.io/run,workflows.argoproj.io/completed!=true', limit: 2 });
    expect(argo.responseErrors).toEqual([]);
    expect(argo.requests.map((r) => [r.operationId, r.bodyErrors, r.query['listOptions.labelSelector'], r.query['listOptions.continue']])).toEqual([
      ['WorkflowService_ListWorkflows', [], 'segflow.io/run,workflows.argoproj.io/completed!=true', undefined],
      ['WorkflowService_ListWorkflows', [], 'segflow.io/run,workflows.argoproj.io/completed!=true', '2'],
    ]);
    expect(argo.requests[0].query.fields).toBe(LIST_FIELDS.join(','));
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
    argo.handlers.WorkflowService_ListWorkflows = () => ({ status: 200, body: { metadata: {}, items: [offloaded] } });
    expect((await listWorkflows({ ...conn(), labelSelector: 'segflow.io/run' }))[0]).toMatchObject({ name: 'wf-o', nodesOffloaded: true, tasks: [] });
    argo.handlers.WorkflowService_ListWorkflows = () => ({ status: 200, body: { metadata: {}, items: [] } });
    expect(await listWorkflows({ ...conn(), labelSelector: 'segflow.io/run' })).toEqual([]);
    expect(argo.responseErrors).toEqual([]);
  });

  it('the mock refuses a query parameter Argo does not declare (a client bug Argo would silently ignore)', async () => {
    argo.handlers.WorkflowService_ListWorkflows = () => ({ status: 200, body: { metadata: {}, items: [] } });
    await expect(argoRequest(conn(), 'GET', '/api/v1/workflows/segflow?labelSelector=segflow.io/run')).rejects.toMatchObject({ status: 400 });
    expect(argo.requests[0].bodyErrors).toEqual(["query parameter labelSelector is not one of WorkflowService_ListWorkflows's"]);
  });
});

describe('stop, terminate, retry and resubmit', () => {
  it('PUTs the request body each operation declares, and returns the workflow it acted on', async () => {
    const seen: string[] = [];
    for (const op of ['Stop', 'Terminate', 'Retry', 'Resubmit'] as const) {
      argo.handlers[`WorkflowService_${op}Workflow`] = ({ params }) => {
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
    expect(argo.requests.map((r) => [r.method, r.path, r.bodyErrors])).toEqual(
      ['stop', 'terminate', 'retry', 'resubmit'].map((a) => ['PUT', `/api/v1/workflows/segflow/${name}/${a}`, []]),
    );
    expect(argo.requests[0].body).toEqual({ name, namespace: 'segflow', message: 'cancelled by operator@demo' });
    expect(argo.requests[1].body).toEqual({ name, namespace: 'segflow' });
    expect(argo.responseErrors).toEqual([]);
  });

  it('names a workflow that is gone', async () => {
    argo.handlers.WorkflowService_StopWorkflow = ({ params }) => ({
      status: 404,
      body: { code: 5, message: `workflows.argoproj.io "${params.name}" not found` },
    });
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
    argo.handlers.WorkflowService_GetWorkflow = () => ({
      status: 200,
      body: workflow(wf, [{ name: 'shadow', value: 'false' }], { phase: 'Running', startedAt: at(0), nodes: nodeMap(nodes) }),
    });
    const status = await getWorkflow({ ...conn(), name: wf });
    expect(argo.responseErrors).toEqual([]);
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
    argo.handlers.WorkflowService_GetWorkflow = () => ({ status: 200, body: workflow('w', []) });
    const file = join(dir, 'token');
    writeFileSync(file, `${TOKEN}\n`);
    await getWorkflow({ ...conn(), token: { file }, name: 'w' });
    writeFileSync(file, 'rotated-token-value');
    const err = await getWorkflow({ ...conn(), token: { file }, name: 'w' }).catch((e: unknown) => e);
    expect(argo.requests.map((r) => r.auth)).toEqual([`Bearer ${TOKEN}`, 'Bearer rotated-token-value']);
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
