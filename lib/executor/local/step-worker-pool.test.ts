import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TStepInvocation } from '@/lib/pipeline/step-contract';
import { MarkedLines, STEP_END_MARK } from '@/lib/pipeline/step-worker-protocol';
import { StepLog } from '@/lib/runs/logs/step-log';
import { StepAborted } from './spawn-step';
import { StepWorkerPool } from './step-worker-pool';

// a DICOM de-identification of no instances: it needs the secret (from the step's env) and fails
// quickly either way, naming which — so a test sees what environment the step ran with
const deidentifyNothing = {
  task: 'deidentify',
  step: 'deidentify',
  run: { id: '00000000-0000-4000-8000-000000000001', projectId: '00000000-0000-4000-8000-000000000002', studyId: '00000000-0000-4000-8000-000000000003' },
  kind: 'dicom',
  inputs: [],
  upstream: {},
  params: { deidOptions: {} },
} as unknown as TStepInvocation;
// a NIfTI de-identification whose input lives on a store that never answers: runs until stopped
const hangingStep = (endpoint: string) => ({
  env: {
    SEGFLOW_DEID_SECRET: 'x'.repeat(32),
    S3_ENDPOINT: endpoint,
    S3_BUCKET: 'segflow',
    AWS_ACCESS_KEY_ID: 'k',
    AWS_SECRET_ACCESS_KEY: 's',
    AWS_REGION: 'us-east-1',
  },
  invocation: {
    ...deidentifyNothing,
    kind: 'nifti',
    inputs: [{ key: 'raw-phi/p/s/a.nii.gz', versionId: null, sha256: '0'.repeat(64), size: 1 }],
  } as unknown as TStepInvocation,
});
let silent: Server;
let silentUrl: string;
beforeAll(async () => {
  silent = createServer(() => {}); // takes requests, answers none
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
});
afterAll(() => {
  silent.closeAllConnections();
  silent.close();
});
const notAnInvocation = { task: 'ingest', step: 'ingest' } as unknown as TStepInvocation;

const alive = (pid: number) => existsSync(`/proc/${pid}`);
let pools: StepWorkerPool[] = [];
const pool = (o: Partial<ConstructorParameters<typeof StepWorkerPool>[0]> = {}) => {
  const p = new StepWorkerPool({ maxSteps: 50, maxRssBytes: 4 * 1024 ** 3, maxIdle: 2, ...o });
  pools.push(p);
  return p;
};
afterEach(() => {
  for (const p of pools) p.close();
  pools = [];
});

describe('MarkedLines', () => {
  it('passes lines on and finds a step end mark, also after a line without its newline and split over chunks', () => {
    const lines: string[] = [];
    const ends: number[] = [];
    const m = new MarkedLines(
      (l) => lines.push(l),
      (id) => ends.push(id),
    );
    m.write('one\ntw');
    m.write(`o\nlast without newline${STEP_END_MARK.slice(0, 4)}`);
    m.write(`${STEP_END_MARK.slice(4)} 7\nnext step\n`);
    expect(lines).toEqual(['one', 'two', 'last without newline', 'next step']);
    expect(ends).toEqual([7]);
  });
});

describe('StepWorkerPool (real `segflow step-worker` processes)', () => {
  it('runs steps one after another on one warm worker, each with its own environment, errors named as a step process names them', async () => {
    const p = pool();
    const log = new StepLog();
    await expect(p.run(notAnInvocation, { env: {}, timeoutMs: 60_000, log })).rejects.toThrow(/^step invocation: /);
    await expect(p.run(deidentifyNothing, { env: { SEGFLOW_DEID_SECRET: 'x'.repeat(32) }, timeoutMs: 60_000 })).rejects.toThrow(
      'deidentify: every instance was held back (no instances)',
    );
    // the secret was the previous step's only: put back after it
    await expect(p.run(deidentifyNothing, { env: {}, timeoutMs: 60_000 })).rejects.toThrow('deidentify: SEGFLOW_DEID_SECRET is not set');
    const { started, idle } = p.stats();
    expect(started).toBe(1);
    expect(idle).toHaveLength(1);
    expect(alive(idle[0])).toBe(true);
    p.close();
    await expect.poll(() => alive(idle[0])).toBe(false);
  });

  it('kills the worker of a step that times out or is cancelled, and the next step gets a new one', async () => {
    const p = pool();
    await expect(p.run(deidentifyNothing, { env: {}, timeoutMs: 60_000 })).rejects.toThrow('is not set');
    const [first] = p.stats().idle;
    const hanging = hangingStep(silentUrl);
    await expect(p.run(hanging.invocation, { env: hanging.env, timeoutMs: 1000 })).rejects.toThrow('deidentify: timed out after 1 s');
    await expect.poll(() => alive(first)).toBe(false);
    expect(p.stats()).toMatchObject({ started: 1, idle: [] });

    const cancel = new AbortController();
    const running = p.run(hanging.invocation, { env: hanging.env, timeoutMs: 600_000, signal: cancel.signal });
    // cancelled once the step is under way (its request reached the store)
    await new Promise((r) => silent.once('request', r));
    cancel.abort({ kind: 'cancelled' });
    await expect(running).rejects.toBeInstanceOf(StepAborted);
    expect(p.stats()).toMatchObject({ started: 2, idle: [] });

    await expect(p.run(deidentifyNothing, { env: {}, timeoutMs: 60_000 })).rejects.toThrow('is not set');
    expect(p.stats().started).toBe(3);
  });

  it('replaces a worker after maxSteps steps', async () => {
    const p = pool({ maxSteps: 2 });
    for (let i = 0; i < 3; i++) await expect(p.run(deidentifyNothing, { env: {}, timeoutMs: 60_000 })).rejects.toThrow('is not set');
    expect(p.stats().started).toBe(2);
  });
});
