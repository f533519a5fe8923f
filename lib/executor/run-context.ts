import { z } from 'zod';
import { and, asc, eq } from 'drizzle-orm';
import { comparisons, projects, runs, runSteps, storedObjects, type Run } from '@/db/schema';
import { parseRunParams, ZRunChecks, type TRunParams } from '@/db/schema/run-json';
import type { DbOrTx } from '@/lib/db';
import { indexDicomInstances, pairFacts } from '@/lib/dicomweb/index-instances';
import { planRun, topologicalOrder, type PlannedTask } from '@/lib/pipeline/definition';
import type { TObjectRef, TStepInvocation, TStepOutput, TStepResult } from '@/lib/pipeline/step-contract';
import { STEPS, type StepParams, type WorkerStepName } from '@/lib/pipeline/steps';

/** What both executors need of a run: its row, parameters, input objects, the project's de-identification secret and its DAG. */
export interface RunContext {
  run: Run;
  params: TRunParams;
  inputs: TObjectRef[];
  deidSecret: string;
  tasks: PlannedTask[];
}

export async function loadRunContext(db: DbOrTx, runId: string): Promise<RunContext> {
  const [run] = await db.select().from(runs).where(eq(runs.id, runId));
  if (!run) throw new Error(`run ${runId} not found`);
  const params = parseRunParams(run);
  const [project] = await db.select({ deidSecret: projects.deidSecret }).from(projects).where(eq(projects.id, run.projectId));
  const inputs: TObjectRef[] = await db
    .select({ key: storedObjects.key, versionId: storedObjects.versionId, sha256: storedObjects.sha256, size: storedObjects.size })
    .from(storedObjects)
    .where(and(eq(storedObjects.seriesId, params.seriesId), eq(storedObjects.class, 'phi')))
    .orderBy(asc(storedObjects.key));
  const tasks = topologicalOrder(planRun({ shadow: Boolean(params.shadow) }));
  return { run, params, inputs, deidSecret: project.deidSecret, tasks };
}

/** each worker step's own params, from the run's (STEPS[step].params) */
const STEP_PARAMS: { [K in WorkerStepName]: (c: RunContext) => StepParams<K> } = {
  ingest: () => ({}),
  deidentify: (c) => ({ deidOptions: c.params.deidOptions }),
  convert: () => ({}),
  infer: (c) => ({
    ...(c.params.domainOverride ? { domainOverride: { reason: c.params.domainOverride.reason } } : {}),
    ...(c.params.stated ? { stated: c.params.stated } : {}),
  }),
  compare: (c) => ({ labelsFrom: c.params.serving.spec }),
};

function isWorkerStep(step: PlannedTask['step']): step is WorkerStepName {
  return STEPS[step].runsOn === 'worker';
}

/** The invocation of one worker task (the secret is never in it: it goes in the step's environment). */
export function buildInvocation(c: RunContext, task: PlannedTask, upstream: Record<string, TStepOutput[]>): TStepInvocation {
  const step = task.step;
  if (!isWorkerStep(step)) throw new Error(`the ${step} step is done by the platform, not a worker`);
  const model = task.model === 'shadow' ? c.params.shadow : task.model === 'serving' ? c.params.serving : undefined;
  return {
    step,
    task: task.id,
    run: { id: c.run.id, projectId: c.run.projectId, studyId: c.run.studyId },
    kind: c.params.kind,
    inputs: c.inputs,
    upstream,
    ...(model
      ? { model: { role: model.role, model: model.model, version: model.version, sha256: model.sha256, artifactKey: model.artifactKey, spec: model.spec } }
      : {}),
    params: STEP_PARAMS[step](c),
  } as TStepInvocation;
}

/**
 * A finished task's outputs into stored_objects (derived), an infer task's checks into its run_steps
 * row (and the serving model's warnings onto the run), and a compare result into comparisons.
 */
export async function recordStepResult(db: DbOrTx, c: RunContext, task: PlannedTask, result: TStepResult): Promise<void> {
  const r = c.run;
  if (task.step === 'infer') {
    const checks = ZRunChecks.catch([]).parse(result.info.checks ?? []);
    const warnings = z
      .array(z.string())
      .catch([])
      .parse(result.info.warnings ?? []);
    await db
      .update(runSteps)
      .set({ checks })
      .where(and(eq(runSteps.runId, r.id), eq(runSteps.name, task.id)));
    // the shadow model's warnings stay on its task: researchers never see shadow results
    if (task.model === 'serving') await db.update(runs).set({ warnings }).where(eq(runs.id, r.id));
  }
  if (result.outputs.length) {
    await db
      .insert(storedObjects)
      .values(
        result.outputs.map((o) => ({
          projectId: r.projectId,
          studyId: r.studyId,
          key: o.key,
          versionId: o.versionId,
          size: o.size,
          sha256: o.sha256,
          class: 'derived' as const,
        })),
      )
      .onConflictDoNothing();
  }
  await indexRunDicom(db, c, task, result);
  if (task.step === 'compare' && c.params.shadow) {
    const info = STEPS.compare.info.safeParse(result.info);
    if (!info.success) throw new Error(`compare result: ${info.error.issues[0].path.join('.')}: ${info.error.issues[0].message}`);
    const metrics = info.data.metrics.labels;
    await db
      .insert(comparisons)
      .values({ projectId: r.projectId, runId: r.id, liveVersionId: c.params.serving.versionId, shadowVersionId: c.params.shadow.versionId, metrics })
      .onConflictDoUpdate({ target: [comparisons.runId, comparisons.shadowVersionId], set: { metrics } });
  }
}

/**
 * The DICOMweb index (lib/dicomweb): the de-identified instances, and the serving model's SEG
 * (never the shadow model's: only operators and reviewers see shadow results, through their pages).
 */
async function indexRunDicom(db: DbOrTx, c: RunContext, task: PlannedTask, result: TStepResult): Promise<void> {
  const r = c.run;
  const at = { projectId: r.projectId, studyId: r.studyId, runId: r.id };
  if (task.step === 'deidentify') {
    const info = STEPS.deidentify.info.safeParse(result.info);
    if (info.success && info.data.dicom) await indexDicomInstances(db, { ...at, source: 'deidentified', items: pairFacts(result.outputs, info.data.dicom) });
  } else if (task.step === 'infer' && task.model !== 'shadow') {
    const info = STEPS.infer.info.safeParse(result.info);
    if (info.success && info.data.segDicom) await indexDicomInstances(db, { ...at, source: 'run_seg', items: pairFacts(result.outputs, [info.data.segDicom]) });
  }
}
