/**
 * `npm run bench run-overhead`: what a whole run costs around its steps. t1_crop through the local
 * executor's executeRun (the executor process's own path: step rows, claims, results handed on,
 * comparison, the signed manifest) with warm step workers, live brain-tissue 1.0.0 and the fp16 shadow,
 * on the PostgreSQL of DATABASE_URL and an embedded store started here. The run's wall time (started
 * → finished) minus its steps' own times (each started → finished; the local executor runs them one
 * after another) is the platform's non-compute overhead. Goal: ≤ 1 s. The first run warms the step
 * workers and is not counted; each run is a new project (the same submission is the same run).
 * The wait between submission and the executor taking the run is not in it: the local executor is
 * woken by the submission itself (lib/executor/after-submit.ts). Not part of CI.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { ensureCliBuild } from '../bin/build-cli.mjs';
import { runs, runSteps } from '../db/schema';
import { startBenchStore } from './bench-store';
import type { BenchLine } from './harness';
import { loadNote } from './process-time';

export const onlyWhenNamed = true;

const ROUNDS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (a: Date | null, b: Date | null) => (a && b ? b.getTime() - a.getTime() : Number.NaN);

export async function run(): Promise<BenchLine[]> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('run-overhead bench: set DATABASE_URL to a PostgreSQL database (it is migrated and test projects are added)');
  const { work, s3 } = await startBenchStore({ prefix: 'run', requireVersioning: true });
  process.env.SEGFLOW_MANIFEST_SIGNING_KEY ??= generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  await ensureCliBuild(); // the step workers run the built CLI
  const { migrateDatabase } = await import('../lib/platform/migrate');
  const { closeDb, getDb } = await import('../lib/db');
  const { createTestProject } = await import('../test/test-project');
  const { UploadApi } = await import('../lib/uploads/client/upload-api');
  const { UploadEngine } = await import('../lib/uploads/client/upload-engine');
  const { dispatchFetch } = await import('../lib/uploads/test/dispatch-api');
  const { fileSource, T1_NIFTI } = await import('../lib/uploads/test/fixtures');
  const { registerModelVersion } = await import('../lib/models/register-model-version');
  const { setSlotVersion } = await import('../lib/models/set-slot-version');
  const { submitRun } = await import('../lib/runs/submit-run');
  const { executeRun } = await import('../lib/executor/local/execute-run');
  const { closeSharedStepWorkers } = await import('../lib/executor/local/step-worker-pool');
  await migrateDatabase(url);
  const db = getDb();

  // no owning project: every test project may run it
  const model = `bench-bt-${randomBytes(3).toString('hex')}`;
  for (const [dir, stage] of [
    ['brain-tissue', 'live'],
    ['brain-tissue-fp16', 'shadow'],
  ] as const) {
    const spec = { ...JSON.parse(readFileSync(join(process.cwd(), 'models', dir, 'spec.json'), 'utf8')), name: model };
    const { version } = await registerModelVersion(db, { model: readFileSync(join(process.cwd(), 'models', dir, 'model.onnx')), spec });
    await setSlotVersion(db, { modelId: version.modelId, versionId: version.id, stage, reason: 'bench' });
  }

  /** one run in a new project: upload, submit, execute; its wall time and its steps' */
  const once = async () => {
    const tp = await createTestProject(db);
    const engine = new UploadEngine({
      api: new UploadApi({ baseUrl: 'http://segflow.test', token: tp.users.researcher.token, fetch: dispatchFetch() }),
      project: tp.slug,
    });
    engine.add([fileSource(T1_NIFTI)]);
    const summary = await engine.run();
    const { run } = await db.transaction((tx) =>
      submitRun(tx, { projectId: tp.id, seriesId: summary.volumes[0].id, model, submittedBy: tp.users.researcher.id }),
    );
    const done = await executeRun(run.id);
    if (done.status !== 'succeeded') throw new Error(`run-overhead bench: the run ${done.status}: ${done.error}`);
    const [row] = await db.select().from(runs).where(eq(runs.id, run.id));
    const steps = await db.select().from(runSteps).where(eq(runSteps.runId, run.id));
    const wall = ms(row.startedAt, row.finishedAt);
    const stepTimes = steps.map((s) => ({ name: s.name, ms: ms(s.startedAt, s.finishedAt) }));
    const stepSum = stepTimes.reduce((a, s) => a + (Number.isNaN(s.ms) ? 0 : s.ms), 0);
    return { wall, stepSum, overhead: wall - stepSum, stepTimes };
  };

  try {
    await once(); // warm-up: step workers started, models loaded
    const rounds = [];
    for (let i = 0; i < ROUNDS; i++) rounds.push(await once());
    const last = rounds.at(-1)!;
    process.stderr.write(
      `run-overhead bench: wall=${rounds.map((r) => Math.round(r.wall)).join('/')} steps=${rounds.map((r) => Math.round(r.stepSum)).join('/')} ms; ` +
        `last run: ${last.stepTimes.map((s) => `${s.name} ${Math.round(s.ms)}`).join(', ')} ms; ${loadNote()}\n`,
    );
    const overhead = median(rounds.map((r) => r.overhead));
    return [
      {
        name: 'non-compute overhead of a whole run (t1_crop, live + fp16 shadow, local executor, warm step workers): wall time minus the steps’ own',
        value: overhead,
        unit: 'ms',
        ratios: [
          { against: 'the issue’s 1 s', ratio: overhead / 1000, target: '<= 1.00' },
          { against: 'the run’s wall time', ratio: overhead / median(rounds.map((r) => r.wall)) },
        ],
      },
    ];
  } finally {
    closeSharedStepWorkers();
    await closeDb();
    await s3.close();
    rmSync(work, { recursive: true, force: true });
  }
}
