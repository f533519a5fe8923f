import { and, asc, eq, inArray } from 'drizzle-orm';
import { comparisons, projects, runs, runSteps, storedObjects, type Run } from '@/db/schema';
import { getDb } from '@/lib/db';
import type { ChosenModel } from '@/lib/pipeline/choose-models';
import { planRun, STEPS, topologicalOrder, type PlannedTask } from '@/lib/pipeline/definition';
import type { TObjectRef, TStepInvocation, TStepOutput, TStepResult } from '@/lib/pipeline/step-contract';
import { writeRunManifest } from '@/lib/pipeline/write-run-manifest';
import { afterRunFinished } from '@/lib/rollout/after-run';
import { DEID_SECRET_ENV } from '@/workers/steps/deid-secret';
import { spawnStep } from './spawn-step';

export interface ExecuteOptions {
  /** runs one worker step; default: a child process (`segflow step`) */
  runWorkerStep?: (inv: TStepInvocation, env: Record<string, string>) => Promise<TStepResult>;
  /** first retry delay, doubling per attempt */
  retryDelayMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Takes one claimed run through its DAG on this machine, one task at a time in dependency order
 * (two cores: the infer tasks would only fight over them). Each task is a run_steps row: attempts,
 * timings, outputs and error are recorded as they happen, so a run interrupted by a restart resumes
 * after its last finished task. A failing task is retried with backoff up to its step's limit; a
 * task that still fails fails the run and the tasks after it are skipped. Steps write the same bytes
 * to the same keys on a retry, so a retry never leaves two versions of an output behind.
 */
export async function executeRun(runId: string, opts: ExecuteOptions = {}): Promise<Run> {
  const db = getDb();
  const runWorkerStep = opts.runWorkerStep ?? ((inv, env) => spawnStep(inv, { env }));
  const [run] = await db.select().from(runs).where(eq(runs.id, runId));
  if (!run) throw new Error(`run ${runId} not found`);
  const params = run.params as { seriesId: string; kind: 'dicom' | 'nifti'; serving: ChosenModel; shadow?: ChosenModel; deidOptions?: unknown };
  const [project] = await db.select({ deidSecret: projects.deidSecret }).from(projects).where(eq(projects.id, run.projectId));
  const inputs: TObjectRef[] = await db
    .select({ key: storedObjects.key, versionId: storedObjects.versionId, sha256: storedObjects.sha256, size: storedObjects.size })
    .from(storedObjects)
    .where(and(eq(storedObjects.seriesId, params.seriesId), eq(storedObjects.class, 'phi')))
    .orderBy(asc(storedObjects.key));

  const tasks = topologicalOrder(planRun({ serving: params.serving.role === 'canary' ? 'canary' : 'live', shadow: Boolean(params.shadow) }));
  await db.insert(runSteps).values(tasks.map((t) => ({ runId, name: t.id }))).onConflictDoNothing();
  await db.update(runs).set({ status: 'running', startedAt: run.startedAt ?? new Date(), externalId: `local:${process.pid}` }).where(eq(runs.id, runId));

  const upstream: Record<string, TStepOutput[]> = {};
  for (const task of tasks) {
    const [row] = await db.select().from(runSteps).where(and(eq(runSteps.runId, runId), eq(runSteps.name, task.id)));
    if (row.status === 'succeeded') {
      upstream[task.id] = row.outputs as TStepOutput[];
      continue;
    }
    const max = STEPS[task.step].maxAttempts;
    for (let attempt = row.attempts + 1; ; attempt++) {
      await db.update(runSteps).set({ status: 'running', attempts: attempt, startedAt: new Date(), finishedAt: null, error: null }).where(eq(runSteps.id, row.id));
      try {
        const result = await runTask(task, { run, params, inputs, upstream, deidSecret: project.deidSecret, runWorkerStep });
        await record(run, task, result);
        await db.update(runSteps).set({ status: 'succeeded', finishedAt: new Date(), outputs: result.outputs }).where(eq(runSteps.id, row.id));
        upstream[task.id] = result.outputs;
        break;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        await db.update(runSteps).set({ status: 'failed', finishedAt: new Date(), error: message }).where(eq(runSteps.id, row.id));
        if (attempt < max) {
          await sleep((opts.retryDelayMs ?? 1000) * 2 ** (attempt - 1));
          continue;
        }
        await db.update(runSteps).set({ status: 'skipped' }).where(and(eq(runSteps.runId, runId), inArray(runSteps.status, ['pending', 'running'])));
        let [failed] = await db.update(runs).set({ status: 'failed', error: `${task.id}: ${message}`, finishedAt: new Date() }).where(eq(runs.id, runId)).returning();
        // a failed run gets its provenance record too: what ran, how often, what it wrote, why it stopped
        if (task.step !== 'manifest') {
          try {
            const written = await writeRunManifest(db, { run: failed, inputs, status: 'failed', skipTask: 'manifest' });
            [failed] = await db.update(runs).set({ manifestKey: written.key, manifestSha256: written.sha256 }).where(eq(runs.id, runId)).returning();
          } catch (err) {
            console.error(`[executor] run ${runId}: the failure manifest could not be written:`, err);
          }
        }
        await afterRunFinished(db, failed);
        return failed;
      }
    }
  }
  const [done] = await db.update(runs).set({ status: 'succeeded', finishedAt: new Date() }).where(eq(runs.id, runId)).returning();
  await afterRunFinished(db, done);
  return done;

  async function runTask(
    task: PlannedTask,
    c: { run: Run; params: typeof params; inputs: TObjectRef[]; upstream: Record<string, TStepOutput[]>; deidSecret: string; runWorkerStep: NonNullable<ExecuteOptions['runWorkerStep']> },
  ): Promise<TStepResult> {
    if (task.step === 'manifest') {
      const written = await writeRunManifest(db, { run: c.run, inputs: c.inputs, status: 'succeeded', skipTask: task.id });
      await db.update(runs).set({ manifestKey: written.key, manifestSha256: written.sha256 }).where(eq(runs.id, c.run.id));
      return { outputs: [], info: { manifest: written.key, sha256: written.sha256 } };
    }
    const model = task.role === 'shadow' ? c.params.shadow : task.role ? c.params.serving : undefined;
    const inv: TStepInvocation = {
      step: task.step,
      task: task.id,
      run: { id: c.run.id, projectId: c.run.projectId, studyId: c.run.studyId },
      kind: c.params.kind,
      inputs: c.inputs,
      upstream: c.upstream,
      ...(model ? { model } : {}),
      params: { deidOptions: c.params.deidOptions ?? {}, ...(task.step === 'compare' ? { labelsFrom: c.params.serving.spec } : {}) },
    };
    return c.runWorkerStep(inv, task.step === 'deidentify' ? { [DEID_SECRET_ENV]: c.deidSecret } : {});
  }

  /** outputs into stored_objects (derived), and a compare result into comparisons */
  async function record(r: Run, task: PlannedTask, result: TStepResult): Promise<void> {
    if (result.outputs.length) {
      await db
        .insert(storedObjects)
        .values(result.outputs.map((o) => ({ projectId: r.projectId, studyId: r.studyId, key: o.key, versionId: o.versionId, size: o.size, sha256: o.sha256, class: 'derived' as const })))
        .onConflictDoNothing();
    }
    if (task.step === 'compare' && params.shadow) {
      const metrics = (result.info.metrics as { labels: Record<string, unknown>[] }).labels;
      await db
        .insert(comparisons)
        .values({ projectId: r.projectId, runId: r.id, liveVersionId: params.serving.versionId, shadowVersionId: params.shadow.versionId, metrics })
        .onConflictDoUpdate({ target: [comparisons.runId, comparisons.shadowVersionId], set: { metrics } });
    }
  }
}
