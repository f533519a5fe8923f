import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, desc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as runsRoute from '@/app/api/projects/[project]/runs/route';
import * as cancelRoute from '@/app/api/runs/[run]/cancel/route';
import * as retryRoute from '@/app/api/runs/[run]/retry/route';
import * as logsRoute from '@/app/api/runs/[run]/steps/[step]/logs/route';
import { getStudyIdentity } from '@/lib/studies/get-study-identity';
import type { StepLogDto } from './logs/get-step-log';
import { auditEvents, runs, runSteps } from '@/db/schema';
import { parseStepOutputs } from '@/db/schema/run-json';
import { executeRun } from '@/lib/executor/local/execute-run';
import { servingLatency } from '@/lib/dashboard/serving-latency';
import { dashboardRange } from '@/lib/dashboard/dashboard-range';
import { spawnStep, StepAborted, type StepContext } from '@/lib/executor/local/spawn-step';
import { getDb } from '@/lib/db';
import { ZSignedManifest } from '@/lib/manifests/sign-manifest';
import { verifyManifest } from '@/lib/manifests/verify-manifest';
import { registerModelVersion } from '@/lib/models/register-model-version';
import { setSlotVersion } from '@/lib/models/set-slot-version';
import type { TStepInvocation, TStepResult } from '@/lib/pipeline/step-contract';
import { stepOutputKey } from '@/lib/storage/keys';
import { getObjectBytes, headObject } from '@/lib/storage/objects';
import { UploadApi } from '@/lib/uploads/client/upload-api';
import { UploadEngine } from '@/lib/uploads/client/upload-engine';
import { dispatchFetch } from '@/lib/uploads/test/dispatch-api';
import { ctSeriesSources, fileSource, T1_NIFTI } from '@/lib/uploads/test/fixtures';
import { routeRequest, type RouteTable } from '@/test/route-server';
import { createTestProject, type TestProject } from '@/test/test-project';
import type { RunDto } from './schemas';
import { retryRun } from './retry-run';

/**
 * Run control through the real routes, the real PostgreSQL and S3 server, and the local executor's
 * steps as child processes (`segflow step`) with the real model: cancel kills the running step,
 * retry resumes after the last succeeded step and ends with the same outputs as an unbroken run.
 */
let a: TestProject; // the project whose runs are controlled
let b: TestProject; // another project: its operator must not reach a's runs
const series: Record<string, string> = {};
const modelName = `bt-ctl-${randomBytes(3).toString('hex')}`;

async function upload(tp: TestProject): Promise<string> {
  const engine = new UploadEngine({
    api: new UploadApi({ baseUrl: 'http://segflow.test', token: tp.users.researcher.token, fetch: dispatchFetch() }),
    project: tp.slug,
  });
  engine.add([fileSource(T1_NIFTI)]);
  return (await engine.run()).volumes[0].id;
}

beforeAll(async () => {
  process.env.SEGFLOW_MANIFEST_SIGNING_KEY = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  a = await createTestProject(getDb());
  b = await createTestProject(getDb());
  series.a = await upload(a);
  series.b = await upload(b);
  const spec = { ...JSON.parse(readFileSync(join(process.cwd(), 'models', 'brain-tissue', 'spec.json'), 'utf8')), name: modelName };
  const { version } = await registerModelVersion(getDb(), { model: readFileSync(join(process.cwd(), 'models', 'brain-tissue', 'model.onnx')), spec });
  await setSlotVersion(getDb(), { modelId: version.modelId, versionId: version.id, stage: 'live', reason: 'test' });
}, 180_000);

const ROUTES: RouteTable = [
  ['POST', /^\/api\/projects\/([^/]+)\/runs$/, ['project'], runsRoute.POST],
  ['POST', /^\/api\/runs\/([^/]+)\/cancel$/, ['run'], cancelRoute.POST],
  ['POST', /^\/api\/runs\/([^/]+)\/retry$/, ['run'], retryRoute.POST],
  ['GET', /^\/api\/runs\/([^/]+)\/steps\/([^/]+)\/logs$/, ['run', 'step'], logsRoute.GET],
];
async function logOf(token: string, runId: string, step: string, attempt?: number) {
  const res = await routeRequest(
    ROUTES,
    new Request(`http://segflow.test/api/runs/${runId}/steps/${step}/logs${attempt ? `?attempt=${attempt}` : ''}`, {
      headers: { authorization: `Bearer ${token}` },
    }),
  );
  return { status: res.status, log: ((await res.json()) as { log: StepLogDto }).log };
}
const text = (log: StepLogDto) => log.lines.map((l) => l.line).join('\n');
async function call(token: string, path: string, body: unknown) {
  const res = await routeRequest(
    ROUTES,
    new Request(`http://segflow.test${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
  return { status: res.status, body: (await res.json()) as { run: RunDto; error?: { code: string; message: string } } };
}
const control = (token: string, verb: 'cancel' | 'retry', runId: string, reason = 'wrong series chosen') =>
  call(token, `/api/runs/${runId}/${verb}`, { reason });

const stepsOf = async (runId: string) => Object.fromEntries((await getDb().select().from(runSteps).where(eq(runSteps.runId, runId))).map((s) => [s.name, s]));
const outputsOf = async (runId: string) =>
  Object.fromEntries(Object.entries(await stepsOf(runId)).map(([name, s]) => [name, parseStepOutputs(s).map((o) => `${o.name}:${o.sha256}`)]));

/** the real child-process steps, counting which tasks ran, with a hook into one task */
function steps(hook: Partial<Record<string, (inv: TStepInvocation, ctx: StepContext) => Promise<TStepResult>>> = {}) {
  const ran: string[] = [];
  return {
    ran,
    runWorkerStep: (inv: TStepInvocation, ctx: StepContext) => {
      ran.push(inv.task);
      return (hook[inv.task] ?? spawnStep)(inv, ctx);
    },
  };
}

describe('cancel and retry (local executor, child processes)', () => {
  let cancelledRun: string;
  let maskSha: string;

  it('cancels a running run: the step process is killed, nothing after it starts, no output half-written, no manifest; the reason is audited', async () => {
    const submitted = await call(a.users.researcher.token, `/api/projects/${a.slug}/runs`, { series: series.a, model: modelName });
    expect(submitted.status).toBe(201);
    const runId = submitted.body.run.id;
    cancelledRun = runId;
    let stepEnd: unknown;
    let cancelAnswer: Awaited<ReturnType<typeof control>> | undefined;
    const s = steps({
      // while infer-serving's child process starts, an operator cancels the run
      'infer-serving': async (inv, ctx) => {
        const running = spawnStep(inv, ctx).then(
          (result) => ({ result }),
          (err: unknown) => ({ err }),
        );
        cancelAnswer = await control(a.users.operator.token, 'cancel', runId);
        const end = await running;
        if ('err' in end) {
          stepEnd = end.err;
          throw end.err;
        }
        return end.result;
      },
    });
    const done = await executeRun(runId, { runWorkerStep: s.runWorkerStep, cancelPollMs: 60_000 });

    expect(cancelAnswer).toMatchObject({ status: 200, body: { run: { id: runId, status: 'cancelled', error: 'cancelled: wrong series chosen' } } });
    expect(stepEnd).toBeInstanceOf(StepAborted);
    expect(done).toMatchObject({ status: 'cancelled', error: 'cancelled: wrong series chosen', manifestKey: null, claimedBy: null });
    expect(s.ran).toEqual(['ingest', 'deidentify', 'convert', 'infer-serving']);
    const st = await stepsOf(runId);
    expect(Object.fromEntries(Object.entries(st).map(([k, v]) => [k, [v.status, v.attempts]]))).toEqual({
      ingest: ['succeeded', 1],
      deidentify: ['succeeded', 1],
      convert: ['succeeded', 1],
      'infer-serving': ['cancelled', 1],
      manifest: ['cancelled', 0],
    });
    // the killed step wrote nothing: no mask, no volumes
    const run = (await getDb().select().from(runs).where(eq(runs.id, runId)))[0];
    for (const name of ['mask.nii.gz', 'volumes.json'])
      expect(await headObject(stepOutputKey({ projectId: a.id, studyId: run.studyId, runId, task: 'infer-serving', name }))).toBeNull();
    const [event] = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'run.cancel'), eq(auditEvents.targetId, runId)))
      .orderBy(desc(auditEvents.seq));
    expect(event).toMatchObject({
      outcome: 'success',
      actorLabel: a.users.operator.email,
      projectId: a.id,
      details: { reason: 'wrong series chosen', status: 'cancelled' },
    });
    // cancelling again changes nothing
    expect(await control(a.users.operator.token, 'cancel', runId)).toMatchObject({ status: 200, body: { run: { status: 'cancelled' } } });
  }, 300_000); // real child-process steps and the real model, on a machine shared by several

  it('retries the cancelled run as its next attempt (idempotent), from the cancelled step; the new attempt has its own signed manifest', async () => {
    const before = await outputsOf(cancelledRun);
    const first = await control(a.users.admin.token, 'retry', cancelledRun, 'run it after all');
    expect(first).toMatchObject({ status: 200, body: { run: { status: 'queued', attempt: 2, error: null } } });
    const retriedAt = new Date();
    // the new attempt starts its own clock: the run's "took" is not the wait between cancel and retry
    const [queued] = await getDb().select({ startedAt: runs.startedAt }).from(runs).where(eq(runs.id, cancelledRun));
    expect(queued.startedAt).toBeNull();
    expect(await control(a.users.operator.token, 'retry', cancelledRun, 'double click')).toMatchObject({
      status: 200,
      body: { run: { status: 'queued', attempt: 2 } },
    });

    const s = steps();
    const done = await executeRun(cancelledRun, { runWorkerStep: s.runWorkerStep });
    expect(done.error).toBeNull();
    expect(done.status).toBe('succeeded');
    const [again] = await getDb().select({ startedAt: runs.startedAt }).from(runs).where(eq(runs.id, cancelledRun));
    expect(again.startedAt!.getTime()).toBeGreaterThanOrEqual(retriedAt.getTime() - 1000);
    expect(s.ran).toEqual(['infer-serving']); // the succeeded steps' outputs are still there: kept
    const st = await stepsOf(cancelledRun);
    expect(st['infer-serving']).toMatchObject({ status: 'succeeded', attempts: 2 });
    const after = await outputsOf(cancelledRun);
    for (const task of ['ingest', 'deidentify', 'convert']) expect(after[task]).toEqual(before[task]);
    maskSha = parseStepOutputs(st['infer-serving']).find((o) => o.name === 'mask.nii.gz')!.sha256;

    expect(done.manifestKey).toBe(`manifests/${a.id}/${cancelledRun}.attempt-2.json`);
    const envelope = JSON.parse(new TextDecoder().decode(await getObjectBytes({ key: done.manifestKey! })));
    expect(verifyManifest(envelope).ok).toBe(true);
    const m = ZSignedManifest.parse(envelope).manifest;
    expect(m.run.status).toBe('succeeded');
    expect(m.steps.find((x) => x.name === 'infer-serving')).toMatchObject({ status: 'succeeded', attempts: 2 });
    // each attempt's log, stored once: the cancelled attempt says so, the second one loaded the model
    const cancelledLog = await logOf(a.users.operator.token, cancelledRun, 'infer-serving', 1);
    expect(cancelledLog).toMatchObject({ status: 200, log: { stored: true, attempt: 1, attempts: 2 } });
    expect(cancelledLog.log.lines.at(-1)).toMatchObject({ stream: 'executor', line: 'attempt 1 stopped by the executor (cancelled)' });
    const secondLog = (await logOf(a.users.researcher.token, cancelledRun, 'infer-serving')).log;
    expect(secondLog).toMatchObject({ attempt: 2, stored: true, status: 'succeeded' });
    expect(secondLog.lines.at(-1)?.line).toBe('attempt 2 succeeded');
    expect((await logOf(a.users.reviewer.token, cancelledRun, 'ingest')).status).toBe(403);
    expect((await logOf(a.users.researcher.token, cancelledRun, 'infer-shadow')).status).toBe(404);
    expect((await logOf(a.users.researcher.token, cancelledRun, 'ingest', 3)).status).toBe(404);
    // a succeeded run is not retried
    expect(await control(a.users.operator.token, 'retry', cancelledRun)).toMatchObject({ status: 409 });
  }, 300_000); // real child-process steps and the real model, on a machine shared by several

  it('retries a failed run: the failed step runs again and the outputs are byte-identical to an unbroken run', async () => {
    const submitted = await call(b.users.researcher.token, `/api/projects/${b.slug}/runs`, { series: series.b, model: modelName });
    const runId = submitted.body.run.id;
    const failing = steps({ 'infer-serving': async () => Promise.reject(new Error('infer: the GPU went away')) });
    const failed = await executeRun(runId, { runWorkerStep: failing.runWorkerStep, retryDelayMs: 0 });
    expect(failed).toMatchObject({ status: 'failed', error: 'infer-serving: infer: the GPU went away' });
    expect(failed.manifestKey).toBe(`manifests/${b.id}/${runId}.json`); // the failed attempt's record stays
    const before = await outputsOf(runId);

    expect(await control(b.users.operator.token, 'retry', runId, 'transient GPU failure')).toMatchObject({
      status: 200,
      body: { run: { status: 'queued', attempt: 2 } },
    });
    const s = steps();
    const done = await executeRun(runId, { runWorkerStep: s.runWorkerStep });
    expect(done).toMatchObject({ status: 'succeeded', error: null, manifestKey: `manifests/${b.id}/${runId}.attempt-2.json` });
    expect(s.ran).toEqual(['infer-serving']);
    const st = await stepsOf(runId);
    const attemptsBefore = (await import('@/lib/pipeline/steps')).STEPS.infer.retry.maxAttempts;
    expect(st['infer-serving']).toMatchObject({ status: 'succeeded', attempts: attemptsBefore + 1 });
    const after = await outputsOf(runId);
    for (const task of ['ingest', 'deidentify', 'convert']) expect(after[task]).toEqual(before[task]);
    // the same volume through the same model: the same mask bytes as the run that was never broken
    expect(parseStepOutputs(st['infer-serving']).find((o) => o.name === 'mask.nii.gz')!.sha256).toBe(maskSha);
  }, 300_000); // real child-process steps and the real model, on a machine shared by several

  it('step logs of a DICOM run (ingest, deidentify read the identifying headers) print none of the identifying values', async () => {
    const engine = new UploadEngine({
      api: new UploadApi({ baseUrl: 'http://segflow.test', token: a.users.researcher.token, fetch: dispatchFetch() }),
      project: a.slug,
    });
    engine.add(ctSeriesSources());
    const summary = await engine.run();
    const ct = summary.series[0];
    const submitted = await call(a.users.researcher.token, `/api/projects/${a.slug}/runs`, { series: ct.id, model: modelName });
    const runId = submitted.body.run.id;
    // de-identification is what matters here: the run is cancelled when convert starts
    const s = steps({
      convert: async (inv, ctx) => {
        await control(a.users.operator.token, 'cancel', runId, 'only the logs were wanted');
        return spawnStep(inv, ctx);
      },
    });
    expect((await executeRun(runId, { runWorkerStep: s.runWorkerStep })).status).toBe('cancelled');
    const identity = await getStudyIdentity(getDb(), { studyId: submitted.body.run.studyId, projectId: a.id });
    const values = [identity.patientName, identity.patientId, identity.accessionNumber, identity.institutionName, identity.birthDate].filter(
      (v): v is string => typeof v === 'string' && v.length >= 3,
    );
    expect(values.length).toBeGreaterThan(0);
    for (const step of ['ingest', 'deidentify', 'convert']) {
      const { log } = await logOf(a.users.operator.token, runId, step);
      expect(log.stored, step).toBe(true);
      for (const v of values) expect(text(log), `${step} log`).not.toContain(v);
    }
  }, 240_000);

  it("refuses researchers and reviewers (403) and another project's operator (404); a reason is required", async () => {
    const submitted = await call(a.users.researcher.token, `/api/projects/${a.slug}/runs`, { series: series.a, model: modelName });
    const runId = submitted.body.run.id; // the succeeded run of the first tests: the same submission
    for (const verb of ['cancel', 'retry'] as const) {
      expect((await control(a.users.researcher.token, verb, runId)).status).toBe(403);
      expect((await control(a.users.reviewer.token, verb, runId)).status).toBe(403);
      expect((await control(b.users.operator.token, verb, runId)).status).toBe(404);
      expect(await call(a.users.operator.token, `/api/runs/${runId}/${verb}`, {})).toMatchObject({
        status: 400,
        body: { error: { code: 'invalid_input', message: expect.stringMatching(/^reason: /) } },
      });
    }
    const denied = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'run.cancel'), eq(auditEvents.targetId, runId), eq(auditEvents.outcome, 'denied')));
    expect(denied.length).toBeGreaterThanOrEqual(2);
    expect((await getDb().select().from(runs).where(eq(runs.id, runId)))[0].status).toBe('succeeded');
  });
});

describe('a run cancelled and retried while its step is still finishing (two executions of one run)', () => {
  let c: TestProject;
  beforeAll(async () => {
    c = await createTestProject(getDb());
    series.c = await upload(c);
  }, 120_000);

  it('the old execution records nothing on the retried attempt: its late success is dropped, the new attempt runs the step and records its times', async () => {
    const runId = (await call(c.users.researcher.token, `/api/projects/${c.slug}/runs`, { series: series.c, model: modelName })).body.run.id;
    let retried: Awaited<ReturnType<typeof control>> | undefined;
    const s = steps({
      // the step's process finishes although the run is cancelled (the kill came too late): cancel and retry land meanwhile
      'infer-serving': async (inv, ctx) => {
        const running = spawnStep(inv, { ...ctx, signal: undefined });
        await control(c.users.operator.token, 'cancel', runId, 'wrong volume');
        retried = await control(c.users.operator.token, 'retry', runId, 'right volume after all');
        return running;
      },
    });
    const old = await executeRun(runId, { runWorkerStep: s.runWorkerStep, cancelPollMs: 60_000 });
    expect(retried).toMatchObject({ status: 200, body: { run: { status: 'queued', attempt: 2 } } });
    // the old execution walked away: the run is the retried attempt, queued, its steps as retry left them
    expect(old).toMatchObject({ id: runId, status: 'queued', attempt: 2, manifestKey: null });
    const left = await stepsOf(runId);
    expect(Object.fromEntries(Object.entries(left).map(([k, v]) => [k, v.status]))).toEqual({
      ingest: 'succeeded',
      deidentify: 'succeeded',
      convert: 'succeeded',
      'infer-serving': 'pending',
      manifest: 'pending',
    });
    expect(left['infer-serving'].startedAt).toBeNull();

    const again = steps();
    const done = await executeRun(runId, { runWorkerStep: again.runWorkerStep });
    expect(done).toMatchObject({ status: 'succeeded', attempt: 2, manifestKey: `manifests/${c.id}/${runId}.attempt-2.json` });
    expect(again.ran).toEqual(['infer-serving']);
    const infer = (await stepsOf(runId))['infer-serving'];
    expect(infer).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(infer.startedAt).not.toBeNull();
    expect(infer.finishedAt!.getTime()).toBeGreaterThanOrEqual(infer.startedAt!.getTime());
    // what the dashboard showed empty when the late success had landed without a start time
    expect(await servingLatency(getDb(), { projectId: c.id, range: dashboardRange('24h') })).toEqual([
      expect.objectContaining({ version: `${modelName}@1.0.0`, servedBy: 'live', count: 1 }),
    ]);
  }, 300_000);

  it('an executor in another process notices at its poll that the run was cancelled and retried, kills the step and walks away', async () => {
    const engine = new UploadEngine({
      api: new UploadApi({ baseUrl: 'http://segflow.test', token: c.users.researcher.token, fetch: dispatchFetch() }),
      project: c.slug,
    });
    engine.add(ctSeriesSources());
    const ct = (await engine.run()).series[0].id;
    const runId = (await call(c.users.researcher.token, `/api/projects/${c.slug}/runs`, { series: ct, model: modelName })).body.run.id;
    let stepEnd: unknown;
    const s = steps({
      // ingest waits to be killed; meanwhile another process cancels the run (no interrupt reaches this one) and retries it
      ingest: (_inv, ctx) =>
        new Promise<TStepResult>((_resolve, reject) => {
          const onAbort = () => {
            stepEnd = new StepAborted(ctx.signal?.reason);
            reject(stepEnd);
          };
          ctx.signal?.addEventListener('abort', onAbort, { once: true });
          // both in one transaction: the poll sees the run only as it is after the retry
          void getDb().transaction(async (tx) => {
            await tx.update(runs).set({ status: 'cancelled', error: 'cancelled: by another process', finishedAt: new Date() }).where(eq(runs.id, runId));
            await retryRun(tx, { runId, projectId: c.id });
          });
        }),
    });
    const old = await executeRun(runId, { runWorkerStep: s.runWorkerStep, cancelPollMs: 100 });
    expect(stepEnd).toBeInstanceOf(StepAborted);
    expect((stepEnd as StepAborted).reason).toEqual({ kind: 'superseded' });
    expect(old).toMatchObject({ id: runId, status: 'queued', attempt: 2 });
    // nothing of the old execution landed on the retried attempt: no step cancelled, none succeeded
    const left = await stepsOf(runId);
    expect(new Set(Object.values(left).map((v) => v.status))).toEqual(new Set(['pending']));
  }, 120_000);
});
