import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as runsRoute from '@/app/api/projects/[project]/runs/route';
import { runs, runSteps, type RunStep } from '@/db/schema';
import { parseStepOutputs } from '@/db/schema/run-json';
import { closeDb, getDb } from '@/lib/db';
import { ZSignedManifest } from '@/lib/manifests/sign-manifest';
import { registerModelVersion } from '@/lib/models/register-model-version';
import { setSlotVersion } from '@/lib/models/set-slot-version';
import { SERVING_INFER_TASK } from '@/lib/pipeline/definition';
import { getObjectBytes } from '@/lib/storage/objects';
import { UploadApi } from '@/lib/uploads/client/upload-api';
import { UploadEngine } from '@/lib/uploads/client/upload-engine';
import { dispatchFetch } from '@/lib/uploads/test/dispatch-api';
import { fileSource, T1_NIFTI } from '@/lib/uploads/test/fixtures';
import { REPO_ROOT } from '@/test/run-cli';
import { routeRequest } from '@/test/route-server';
import { createScratchDatabase } from '@/test/scratch-database';
import { createTestProject, type TestProject } from '@/test/test-project';
import { runStep } from '@/workers/run-step';
import { DEID_SECRET_ENV } from '@/workers/steps/deid-secret';
import { register as registerInstrumentation } from '@/instrumentation';
import { processExecutor } from './executor';
import { readExecutorHealth } from './health-file';
import { buildInvocation, loadRunContext } from './run-context';

/**
 * The executor as its own process (issue 14, "Done when"): the app takes no runs (SEGFLOW_EXECUTOR=none),
 * `segflow executor` runs as a child process against the real database and S3 server; SIGTERM in the
 * middle of a step hands the step back, and a restarted executor finishes the run with the same bytes.
 * One real-model run (t1_crop on the shipped brain-tissue model), plus one in-process re-run of its
 * infer step as the reference.
 *
 * The executor child takes every queued local run of its database, so this file has a database of its
 * own: no other test's run is taken, and no run of this one is left for another executor.
 */
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let previousDbUrl: string | undefined;
let tp: TestProject;
let seriesId: string;
const dir = mkdtempSync(join(tmpdir(), 'segflow-executor-'));
const healthFile = join(dir, 'executor-health.json');
const modelName = `bt-exec-${randomBytes(3).toString('hex')}`;
const children: ChildProcess[] = [];

beforeAll(async () => {
  previousDbUrl = process.env.DATABASE_URL;
  scratch = await createScratchDatabase();
  Object.assign(process.env, {
    DATABASE_URL: scratch.url,
    SEGFLOW_MANIFEST_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    // this process is the app: it takes no runs
    SEGFLOW_EXECUTOR: 'none',
  });
  tp = await createTestProject(getDb());
  const engine = new UploadEngine({
    api: new UploadApi({ baseUrl: 'http://segflow.test', token: tp.users.researcher.token, fetch: dispatchFetch() }),
    project: tp.slug,
  });
  engine.add([fileSource(T1_NIFTI)]);
  seriesId = (await engine.run()).volumes[0].id;
  const spec = { ...JSON.parse(readFileSync(join(REPO_ROOT, 'models/brain-tissue/spec.json'), 'utf8')), name: modelName };
  const { version } = await registerModelVersion(getDb(), { model: readFileSync(join(REPO_ROOT, 'models/brain-tissue/model.onnx')), spec });
  await setSlotVersion(getDb(), { modelId: version.modelId, versionId: version.id, stage: 'live', reason: 'test' });
}, 120_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await closeDb();
  process.env.DATABASE_URL = previousDbUrl;
  delete process.env.SEGFLOW_EXECUTOR;
  await scratch?.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** `segflow executor` as a child process, as `segflow start` and the executor Deployment run it */
function startExecutor(extra: Record<string, string> = {}): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/segflow.mjs'), 'executor'], {
    cwd: REPO_ROOT,
    env: { ...process.env, SEGFLOW_EXECUTOR: 'local', SEGFLOW_EXECUTOR_HEALTH_FILE: healthFile, SEGFLOW_EXECUTOR_POLL_MS: '200', ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  children.push(child);
  return Object.assign(child, { output: () => out });
}

const exited = (c: ChildProcess) =>
  new Promise<number | null>((r) => (c.exitCode !== null || c.signalCode !== null ? r(c.exitCode) : c.once('exit', (code) => r(code))));

/** waits for a condition (polling it), naming it when it never comes */
async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 240_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** the processes whose parent is `pid` (Linux /proc), with their command lines */
function childrenOf(pid: number): { pid: number; cmd: string }[] {
  const out: { pid: number; cmd: string }[] = [];
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push({ pid: Number(name), cmd: readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ') });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

const stepsOf = async (runId: string): Promise<Record<string, RunStep>> =>
  Object.fromEntries((await getDb().select().from(runSteps).where(eq(runSteps.runId, runId))).map((s) => [s.name, s]));
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('segflow executor, its own process (app with SEGFLOW_EXECUTOR=none)', () => {
  it('runs the demo-like run; SIGTERM mid-step hands the step back; a restarted executor finishes it with identical output hashes', async () => {
    // the app process: instrumentation starts no executor, a submission queues the run and nothing here runs it
    Object.assign(process.env, { NEXT_RUNTIME: 'nodejs' });
    await registerInstrumentation();
    delete process.env.NEXT_RUNTIME;
    expect(processExecutor()).toBeNull();
    const res = await routeRequest(
      [['POST', /^\/api\/projects\/([^/]+)\/runs$/, ['project'], runsRoute.POST]],
      new Request(`http://segflow.test/api/projects/${tp.slug}/runs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tp.users.researcher.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ series: seriesId, model: modelName }),
      }),
    );
    expect(res.status).toBe(201);
    const runId = ((await res.json()) as { run: { id: string } }).run.id;
    expect((await getDb().select().from(runs).where(eq(runs.id, runId)))[0]).toMatchObject({ status: 'queued', executor: 'local', claimedBy: null });

    // the executor process takes it; SIGTERM while its infer step (a child process of it) runs
    const first = startExecutor({ SEGFLOW_EXECUTOR_SHUTDOWN_TIMEOUT_S: '0' });
    const step = await until('the infer step running as a child of the executor', async () => {
      const s = (await stepsOf(runId))[SERVING_INFER_TASK];
      return s?.status === 'running' && childrenOf(first.pid!).find((c) => / step(-worker)? /.test(c.cmd));
    });
    const claimed = (await getDb().select().from(runs).where(eq(runs.id, runId)))[0];
    expect(claimed).toMatchObject({ status: 'running', claimedBy: expect.stringMatching(new RegExp(`^local:.+/${first.pid}/`)) });
    expect(readExecutorHealth(healthFile)).toMatchObject({ pid: first.pid, kind: 'local', state: 'running', runs: [runId] });
    first.kill('SIGTERM');
    expect(await exited(first), first.output()).toBe(0);

    // handed back: the run queued for anyone, the step pending with the killed attempt not counted,
    // its process group gone, the steps before it kept
    const [back] = await getDb().select().from(runs).where(eq(runs.id, runId));
    expect(back).toMatchObject({ status: 'queued', claimedBy: null, leaseExpiresAt: null });
    const handed = await stepsOf(runId);
    expect(handed[SERVING_INFER_TASK]).toMatchObject({ status: 'pending', attempts: 0, error: null });
    for (const name of ['ingest', 'deidentify', 'convert']) expect(handed[name]).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(existsSync(`/proc/${step.pid}`)).toBe(false);
    expect(readExecutorHealth(healthFile)).toMatchObject({ pid: first.pid, state: 'stopped', runs: [] });
    // the structured log (lib/log): one JSON line from the executor component
    expect(first.output()).toMatch(/"component":"executor","signal":"SIGTERM","timeoutS":\d+,"msg":"taking no more runs/);

    // a restarted executor finishes it
    const second = startExecutor();
    const done = await until('the run to finish', async () => {
      const [r] = await getDb().select().from(runs).where(eq(runs.id, runId));
      return (r.status === 'succeeded' || r.status === 'failed') && r;
    });
    second.kill('SIGTERM');
    expect(await exited(second), second.output()).toBe(0);
    expect(done.error, second.output()).toBeNull();
    expect(done.status).toBe('succeeded');
    const steps = await stepsOf(runId);
    expect(Object.fromEntries(Object.entries(steps).map(([n, s]) => [n, [s.status, s.attempts]]))).toEqual({
      ingest: ['succeeded', 1],
      deidentify: ['succeeded', 1],
      convert: ['succeeded', 1],
      [SERVING_INFER_TASK]: ['succeeded', 1],
      manifest: ['succeeded', 1],
    });

    // every output's stored bytes hash to what run_steps and the signed manifest record
    const manifest = ZSignedManifest.parse(JSON.parse(new TextDecoder().decode(await getObjectBytes({ key: done.manifestKey! })))).manifest;
    const recorded = Object.values(steps).flatMap((s) => parseStepOutputs(s));
    // (convert passes the de-identified NIfTI volume through: one object, recorded by both steps)
    expect(recorded.map((o) => o.name).sort()).toEqual(['mask.nii.gz', 'volume.nii.gz', 'volume.nii.gz', 'volumes.json']);
    for (const o of recorded) {
      expect(sha256(await getObjectBytes({ key: o.key })), o.key).toBe(o.sha256);
      expect(manifest.steps.flatMap((s) => s.outputs).find((m) => m.key === o.key)?.sha256, o.key).toBe(o.sha256);
    }
    // and they are the bytes an uninterrupted execution of the step writes: run it again here
    const c = await loadRunContext(getDb(), runId);
    const task = c.tasks.find((t) => t.id === SERVING_INFER_TASK)!;
    const upstream = Object.fromEntries(task.after.map((t) => [t, parseStepOutputs(steps[t])]));
    Object.assign(process.env, { [DEID_SECRET_ENV]: c.deidSecret });
    const again = await runStep(buildInvocation(c, task, upstream));
    delete process.env[DEID_SECRET_ENV];
    // the same bytes (a new version of each object in the versioned bucket: version ids differ)
    const withoutVersion = (os: { versionId?: string | null }[]) => os.map(({ versionId: _v, ...o }) => o);
    expect(withoutVersion(again.outputs)).toEqual(withoutVersion(parseStepOutputs(steps[SERVING_INFER_TASK])));
    for (const o of again.outputs) expect(sha256(await getObjectBytes({ key: o.key }))).toBe(o.sha256);
    const [row] = await getDb()
      .select()
      .from(runs)
      .where(and(eq(runs.id, runId), eq(runs.status, 'succeeded')));
    expect(row.claimedBy).toBeNull();
  }, 300_000);
});
