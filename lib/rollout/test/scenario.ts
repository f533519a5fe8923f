import { randomBytes } from 'node:crypto';
import { comparisons, memberships, models, modelVersions, runs, runSteps, studies, users, type ModelVersion, type Run } from '@/db/schema';
import { createApiToken } from '@/lib/auth/api-tokens';
import type { Db } from '@/lib/db';
import { setSlotVersion } from '@/lib/models/set-slot-version';
import { SERVING_INFER_TASK } from '@/lib/pipeline/definition';
import { fakeRunParams } from '@/test/run-params';
import type { TestProject } from '@/test/test-project';

/**
 * Rollout scenarios without inference: a model with versions on its slot, and finished runs with
 * the rows a real run leaves (runs, run_steps with timings, comparisons), built to order.
 */
export const LABELS = ['White Matter', 'Grey Matter'] as const;

export interface Deployment {
  modelId: string;
  name: string;
  live: ModelVersion;
  candidate: ModelVersion;
}

async function version(db: Db, modelId: string, v: string, registeredBy: string | null): Promise<ModelVersion> {
  const sha256 = randomBytes(32).toString('hex');
  const [row] = await db
    .insert(modelVersions)
    .values({
      modelId,
      version: v,
      sha256,
      artifactKey: `models/${modelId}/${v}/model.onnx`,
      spec: { labels: LABELS.map((name, i) => ({ value: i + 1, name })) },
      status: 'validated',
      registeredBy,
    })
    .returning();
  return row;
}

/**
 * A model with 1.0.0 live and 1.1.0 (registered by `registeredBy`) in shadow, each set through
 * setSlotVersion; owned by `ownerProjectId` when given (whose operators then manage its slot).
 */
export async function createDeployment(db: Db, p: { registeredBy: string | null; ownerProjectId?: string }): Promise<Deployment> {
  const name = `gate-${randomBytes(4).toString('hex')}`;
  const [model] = await db
    .insert(models)
    .values({ name, ownerProjectId: p.ownerProjectId ?? null })
    .returning();
  const live = await version(db, model.id, '1.0.0', null);
  const candidate = await version(db, model.id, '1.1.0', p.registeredBy);
  await setSlotVersion(db, { modelId: model.id, versionId: live.id, stage: 'live', reason: 'scenario: live' });
  await setSlotVersion(db, { modelId: model.id, versionId: candidate.id, stage: 'shadow', reason: 'scenario: shadow' });
  return { modelId: model.id, name, live, candidate };
}

export async function createStudy(db: Db, tp: TestProject): Promise<string> {
  const [s] = await db
    .insert(studies)
    .values({ projectId: tp.id, label: `S-${randomBytes(4).toString('hex')}` })
    .returning();
  return s.id;
}

/** Another operator of the project (the four-eyes tests need three people allowed to approve). */
export async function createOperator(db: Db, tp: TestProject): Promise<{ id: string; token: string }> {
  const [u] = await db
    .insert(users)
    .values({ email: `op2-${randomBytes(4).toString('hex')}@test.segflow`, name: 'second operator' })
    .returning();
  await db.insert(memberships).values({ userId: u.id, projectId: tp.id, role: 'operator' });
  const { token } = await createApiToken(db, { userId: u.id, name: 'test' });
  return { id: u.id, token };
}

export interface RunSpec {
  /** the version that served the run, and as what */
  served: { versionId: string; role: 'live' | 'canary' };
  shadowVersionId?: string;
  /** per-label Dice of the run's comparison (run index → label → Dice); default 0.97 everywhere */
  dice?: (i: number) => Partial<Record<(typeof LABELS)[number], number>>;
  servingFails?: (i: number) => boolean;
  shadowFails?: (i: number) => boolean;
  servingMs?: (i: number) => number;
  shadowMs?: (i: number) => number;
}

/** `count` finished runs as the local executor leaves them; comparisons where both inferences succeeded. */
export async function addRuns(db: Db, tp: TestProject, studyId: string, count: number, spec: RunSpec): Promise<Run[]> {
  const out: Run[] = [];
  const t0 = Date.now() - 3_600_000;
  for (let i = 0; i < count; i++) {
    const servingFailed = spec.servingFails?.(i) ?? false;
    const shadowFailed = spec.shadowVersionId ? (spec.shadowFails?.(i) ?? false) : false;
    const failed = servingFailed || shadowFailed;
    const [run] = await db
      .insert(runs)
      .values({
        projectId: tp.id,
        studyId,
        runKey: randomBytes(32).toString('hex'),
        status: failed ? 'failed' : 'succeeded',
        pipelineVersion: 'segflow-pipeline/1',
        modelVersionId: spec.served.versionId,
        servedBy: spec.served.role,
        shadowVersionId: spec.shadowVersionId ?? null,
        params: fakeRunParams({ role: spec.served.role, versionId: spec.served.versionId }),
        startedAt: new Date(t0 + i * 60_000),
        finishedAt: new Date(t0 + i * 60_000 + 30_000),
        error: failed ? 'infer failed' : null,
      })
      .returning();
    const start = new Date(t0 + i * 60_000 + 1000);
    const step = (name: string, failedStep: boolean, ms: number): typeof runSteps.$inferInsert => ({
      runId: run.id,
      name,
      status: failedStep ? 'failed' : 'succeeded',
      attempts: failedStep ? 3 : 1,
      startedAt: start,
      finishedAt: new Date(start.getTime() + ms),
      error: failedStep ? 'onnxruntime: out of memory' : null,
    });
    const steps = [step(SERVING_INFER_TASK, servingFailed, spec.servingMs?.(i) ?? 1000)];
    if (spec.shadowVersionId) {
      // the executor runs infer-serving first: a failed serving inference leaves the shadow skipped
      steps.push(servingFailed ? { runId: run.id, name: 'infer-shadow', status: 'skipped' } : step('infer-shadow', shadowFailed, spec.shadowMs?.(i) ?? 1100));
    }
    await db.insert(runSteps).values(steps);
    if (spec.shadowVersionId && !failed) {
      const dice = { 'White Matter': 0.97, 'Grey Matter': 0.96, ...spec.dice?.(i) };
      await db.insert(comparisons).values({
        projectId: tp.id,
        runId: run.id,
        liveVersionId: spec.served.versionId,
        shadowVersionId: spec.shadowVersionId,
        metrics: LABELS.map((name, k) => ({
          value: k + 1,
          name,
          dice: dice[name],
          hd95Mm: 1,
          assdMm: 0.5,
          liveMl: 400,
          shadowMl: 401,
          volumeDiffMl: 1,
          volumeDiffPct: 0.25,
        })),
      });
    }
    out.push(run);
  }
  return out;
}
