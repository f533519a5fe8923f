/**
 * The pipeline, as data: the one DAG the local executor walks and the Argo WorkflowTemplate is
 * rendered from, so the two cannot drift. Its steps are declared in lib/pipeline/steps.ts. A run's
 * plan is this DAG for its models: the serving version (live or canary: the role is data, in the
 * run's params, never in a task id), and the shadow when one is deployed.
 */
import type { StepName } from './steps';

export const PIPELINE_VERSION = 'segflow-pipeline/1';

/** the serving model's infer task, whether the live or the canary version serves the run */
export const SERVING_INFER_TASK = 'infer-serving';
/** the shadow model's infer task (ADR-03) */
export const SHADOW_INFER_TASK = 'infer-shadow';

/** One node of a run's DAG: a step, for one of the run's models where the step is per model. */
export interface PlannedTask {
  /** unique in the run: the step name, or `infer-serving` / `infer-shadow` */
  id: string;
  step: StepName;
  /** which of the run's models the task runs (runs.params.serving or .shadow) */
  model?: 'serving' | 'shadow';
  after: string[];
  /**
   * Shadow work (the shadow's infer and the comparison): its failure is recorded — it counts against
   * the shadow's promotion gate — but never fails the run or holds back the serving model's mask
   * (ADR-03: the shadow has no effect on researchers).
   */
  optional?: boolean;
}

/**
 * The DAG of one run. Postprocessing (labelmap back on the source geometry, NIfTI and DICOM SEG) is
 * part of `infer`: the labelmap is in memory there, and a separate container would only read it back.
 */
export function planRun(p: { shadow: boolean }): PlannedTask[] {
  const infer: PlannedTask[] = [{ id: SERVING_INFER_TASK, step: 'infer', model: 'serving', after: ['convert'] }];
  if (p.shadow) infer.push({ id: SHADOW_INFER_TASK, step: 'infer', model: 'shadow', after: ['convert'], optional: true });
  const compare: PlannedTask[] = p.shadow ? [{ id: 'compare', step: 'compare', after: infer.map((t) => t.id), optional: true }] : [];
  const body: PlannedTask[] = [
    { id: 'ingest', step: 'ingest', after: [] },
    { id: 'deidentify', step: 'deidentify', after: ['ingest'] },
    { id: 'convert', step: 'convert', after: ['deidentify'] },
    ...infer,
    ...compare,
  ];
  return [...body, { id: 'manifest', step: 'manifest', after: [...infer, ...compare].map((t) => t.id) }];
}

/** Tasks in an order where every task comes after the ones it depends on. */
export function topologicalOrder(tasks: PlannedTask[]): PlannedTask[] {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const done = new Set<string>();
  const out: PlannedTask[] = [];
  const visit = (t: PlannedTask, path: string[]) => {
    if (done.has(t.id)) return;
    if (path.includes(t.id)) throw new Error(`pipeline cycle: ${[...path, t.id].join(' → ')}`);
    for (const dep of t.after) {
      const d = byId.get(dep);
      if (!d) throw new Error(`task ${t.id} depends on unknown task ${dep}`);
      visit(d, [...path, t.id]);
    }
    done.add(t.id);
    out.push(t);
  };
  for (const t of tasks) visit(t, []);
  return out;
}
