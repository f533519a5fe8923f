import { and, asc, eq } from 'drizzle-orm';
import { comparisons, projects, runs, storedObjects, type Run } from '@/db/schema';
import type { DbOrTx } from '@/lib/db';
import type { ChosenModel } from '@/lib/pipeline/choose-models';
import { planRun, topologicalOrder, type PlannedTask } from '@/lib/pipeline/definition';
import type { TObjectRef, TStepInvocation, TStepOutput, TStepResult } from '@/lib/pipeline/step-contract';

export type RunParams = { seriesId: string; kind: 'dicom' | 'nifti'; serving: ChosenModel; shadow?: ChosenModel; deidOptions?: unknown };

/** What both executors need of a run: its row, parameters, input objects, the project's de-identification secret and its DAG. */
export interface RunContext {
  run: Run;
  params: RunParams;
  inputs: TObjectRef[];
  deidSecret: string;
  tasks: PlannedTask[];
}

export async function loadRunContext(db: DbOrTx, runId: string): Promise<RunContext> {
  const [run] = await db.select().from(runs).where(eq(runs.id, runId));
  if (!run) throw new Error(`run ${runId} not found`);
  const params = run.params as RunParams;
  const [project] = await db.select({ deidSecret: projects.deidSecret }).from(projects).where(eq(projects.id, run.projectId));
  const inputs: TObjectRef[] = await db
    .select({ key: storedObjects.key, versionId: storedObjects.versionId, sha256: storedObjects.sha256, size: storedObjects.size })
    .from(storedObjects)
    .where(and(eq(storedObjects.seriesId, params.seriesId), eq(storedObjects.class, 'phi')))
    .orderBy(asc(storedObjects.key));
  const tasks = topologicalOrder(planRun({ serving: params.serving.role === 'canary' ? 'canary' : 'live', shadow: Boolean(params.shadow) }));
  return { run, params, inputs, deidSecret: project.deidSecret, tasks };
}

/** The invocation of one worker task (the secret is never in it: it goes in the step's environment). */
export function buildInvocation(c: RunContext, task: PlannedTask, upstream: Record<string, TStepOutput[]>): TStepInvocation {
  if (task.step === 'manifest') throw new Error('the manifest is written by the platform, not a worker step');
  const model = task.role === 'shadow' ? c.params.shadow : task.role ? c.params.serving : undefined;
  return {
    step: task.step,
    task: task.id,
    run: { id: c.run.id, projectId: c.run.projectId, studyId: c.run.studyId },
    kind: c.params.kind,
    inputs: c.inputs,
    upstream,
    ...(model ? { model } : {}),
    params: { deidOptions: c.params.deidOptions ?? {}, ...(task.step === 'compare' ? { labelsFrom: c.params.serving.spec } : {}) },
  };
}

/** A finished task's outputs into stored_objects (derived), and a compare result into comparisons. */
export async function recordStepResult(db: DbOrTx, c: RunContext, task: PlannedTask, result: TStepResult): Promise<void> {
  const r = c.run;
  if (result.outputs.length) {
    await db
      .insert(storedObjects)
      .values(result.outputs.map((o) => ({ projectId: r.projectId, studyId: r.studyId, key: o.key, versionId: o.versionId, size: o.size, sha256: o.sha256, class: 'derived' as const })))
      .onConflictDoNothing();
  }
  if (task.step === 'compare' && c.params.shadow) {
    const metrics = (result.info.metrics as { labels: Record<string, unknown>[] }).labels;
    await db
      .insert(comparisons)
      .values({ projectId: r.projectId, runId: r.id, liveVersionId: c.params.serving.versionId, shadowVersionId: c.params.shadow.versionId, metrics })
      .onConflictDoUpdate({ target: [comparisons.runId, comparisons.shadowVersionId], set: { metrics } });
  }
}
