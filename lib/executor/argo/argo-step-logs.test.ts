/**
 * Argo step logs against the spec-driven mock Argo Server: the client asks WorkflowService_WorkflowLogs
 * with only the spec's query parameters, reads its streaming answer (validated message by message
 * against the spec), names pods as Argo does, and stores each attempt's log where the local
 * executor's go (bounded; a log Argo cannot give is a note, not a failure).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runSteps } from '@/db/schema';
import { getDb } from '@/lib/db';
import { getStepLog } from '@/lib/runs/logs/get-step-log';
import { STEP_LOG_MAX_BYTES } from '@/lib/runs/logs/step-log';
import { newRun } from '@/test/endpoint-matrix';
import { ARGO_TEST_TOKEN, startMockArgoServer, type MockArgoServer } from '@/test/mock-argo-server';
import { createTestProject, type TestProject } from '@/test/test-project';
import { getWorkflow } from './argo-client';
import { argoPodName, fnv1a32 } from './argo-pod-name';
import { fetchArgoPodLog, saveArgoTaskLogs } from './argo-step-logs';

let argo: MockArgoServer;
let tp: TestProject;
const conn = () => ({ server: argo.base, token: ARGO_TEST_TOKEN, namespace: 'segflow' });
const WF = 'segflow-run-5f0c1d8e-0000-4000-8000-000000000001';
/** pod → its lines, as Kubernetes would give them */
const podLogs = new Map<string, string[]>();

beforeAll(async () => {
  argo = await startMockArgoServer();
  tp = await createTestProject(getDb());
});
afterAll(() => argo.close());
beforeEach(() => {
  argo.reset();
  podLogs.clear();
  argo.handlers.WorkflowService_WorkflowLogs = ({ params, query }) => {
    const pod = query.get('podName') ?? '';
    const lines = params.name === WF ? podLogs.get(pod) : undefined;
    if (!lines) return { status: 200, stream: [{ error: { grpc_code: 5, http_code: 404, http_status: 'Not Found', message: `pods "${pod}" not found` } }] };
    return { status: 200, stream: lines.map((content) => ({ result: { content, podName: pod } })) };
  };
});

describe('Argo pod names', () => {
  it('hashes with FNV-1a (the published test vectors) and names a pod <workflow>-<template>-<hash of the node name>', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    expect(argoPodName(WF, { name: `${WF}.infer-serving(1)`, templateName: 'infer' })).toBe(`${WF}-infer-${fnv1a32(`${WF}.infer-serving(1)`)}`);
    expect(argoPodName('wf', { name: 'wf' })).toBe('wf');
    expect(argoPodName('w'.repeat(300), { name: 'w.x', templateName: 't' }).length).toBeLessThanOrEqual(253);
  });

  it('gives each attempt of a retried task its pod, oldest first', async () => {
    const node = (id: string, name: string, extra: Record<string, unknown>) => ({ id, name, displayName: name.split('.').at(-1), phase: 'Failed', ...extra });
    argo.handlers.WorkflowService_GetWorkflow = () => ({
      status: 200,
      body: {
        metadata: { name: WF, namespace: 'segflow' },
        spec: {},
        status: {
          phase: 'Running',
          nodes: {
            r: node('r', `${WF}.ingest`, { type: 'Retry', templateName: 'ingest', children: ['p0', 'p1'] }),
            p0: node('p0', `${WF}.ingest(0)`, { type: 'Pod', templateName: 'ingest' }),
            p1: node('p1', `${WF}.ingest(1)`, { type: 'Pod', templateName: 'ingest' }),
          },
        },
      },
    });
    const wf = await getWorkflow({ ...conn(), name: WF });
    expect(wf.tasks.find((t) => t.task === 'ingest')?.pods).toEqual([
      argoPodName(WF, { name: `${WF}.ingest(0)`, templateName: 'ingest' }),
      argoPodName(WF, { name: `${WF}.ingest(1)`, templateName: 'ingest' }),
    ]);
    expect(argo.responseErrors, argo.responseErrors.join('\n')).toEqual([]);
  });
});

describe('Argo step logs', () => {
  it('reads a pod’s main container through WorkflowLogs with the spec’s parameters only, and names a stream error', async () => {
    podLogs.set('pod-a', ['ingest: 12 files', 'ingest: done']);
    expect(await fetchArgoPodLog({ ...conn(), workflow: WF, pod: 'pod-a' })).toEqual(['ingest: 12 files', 'ingest: done']);
    await expect(fetchArgoPodLog({ ...conn(), workflow: WF, pod: 'pod-gone' })).rejects.toThrow(
      `Argo Server GET /api/v1/workflows/segflow/${WF}/log: pods "pod-gone" not found`,
    );
    expect(argo.requests.map((r) => [r.operationId, r.bodyErrors, r.query])).toEqual([
      ['WorkflowService_WorkflowLogs', [], { podName: 'pod-a', 'logOptions.container': 'main', 'logOptions.limitBytes': String(STEP_LOG_MAX_BYTES) }],
      ['WorkflowService_WorkflowLogs', [], { podName: 'pod-gone', 'logOptions.container': 'main', 'logOptions.limitBytes': String(STEP_LOG_MAX_BYTES) }],
    ]);
    expect(argo.responseErrors).toEqual([]);
  });

  it('stores each attempt’s log as the local executor does, bounded, and a note for a pod Argo no longer has', async () => {
    const run = await newRun(getDb(), tp, { status: 'running' });
    const long = Array.from({ length: 20_000 }, (_, i) => `infer: slice ${i} ${'x'.repeat(60)}`);
    podLogs.set('pod-2', long);
    await saveArgoTaskLogs(conn(), { run, workflow: WF, task: { task: 'ingest', pods: ['pod-1', 'pod-2'] } });
    // the attempts as the sync records them from the workflow
    await getDb().insert(runSteps).values({ runId: run.id, name: 'ingest', status: 'failed', attempts: 2 });
    const read = (attempt: number) => getStepLog(getDb(), { runId: run.id, projectId: tp.id, step: 'ingest', attempt, seeShadow: true });
    const first = await read(1);
    expect(first.stored).toBe(true);
    expect(first.lines.map((l) => [l.stream, l.line])).toEqual([['executor', expect.stringContaining('the log of pod pod-1 is not available from Argo: ')]]);
    const second = await read(2);
    expect(second.lines.at(-1)).toMatchObject({ stream: 'stdout', line: long.at(-1) });
    expect(second.lines[0]).toMatchObject({ stream: 'executor', line: expect.stringMatching(/^… \d+ earlier lines dropped/) });
    expect(Buffer.byteLength(second.lines.map((l) => JSON.stringify(l)).join('\n'))).toBeLessThanOrEqual(STEP_LOG_MAX_BYTES + 200);
    expect(argo.responseErrors).toEqual([]);
  });
});
