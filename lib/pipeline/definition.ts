/**
 * The pipeline, as data: the one definition the local executor walks and the Argo WorkflowTemplate
 * is rendered from, so the two cannot drift. A run's plan is this DAG instantiated for its input
 * (DICOM series or NIfTI volume) and its models (the serving version, and the shadow when one is
 * deployed). Steps named here are the worker service accounts of lib/storage/access-rules.ts.
 */
export const PIPELINE_VERSION = 'segflow-pipeline/1';

export type StepName = 'ingest' | 'deidentify' | 'convert' | 'infer' | 'compare' | 'manifest';
export type ModelRole = 'live' | 'canary' | 'shadow';

export interface StepDef {
  name: StepName;
  /** what it does, for the UI and the rendered templates */
  summary: string;
  /** worker: a container (Argo) or a child process (local); platform: done by segflow itself (it holds the signing key) */
  runsOn: 'worker' | 'platform';
  gpu: boolean;
  /** attempts in all, with exponential backoff between them */
  maxAttempts: number;
}

export const STEPS: Record<StepName, StepDef> = {
  ingest: { name: 'ingest', summary: 'check every uploaded object against its recorded size and SHA-256, and its header', runsOn: 'worker', gpu: false, maxAttempts: 3 },
  deidentify: { name: 'deidentify', summary: 'PS3.15 Basic Profile (DICOM) or header scrub (NIfTI) into derived/', runsOn: 'worker', gpu: false, maxAttempts: 3 },
  convert: { name: 'convert', summary: 'series to volume with its geometry (NIfTI passes through)', runsOn: 'worker', gpu: false, maxAttempts: 3 },
  infer: { name: 'infer', summary: 'segment with one model version; labelmap on the source grid as NIfTI, DICOM SEG for DICOM input, label volumes', runsOn: 'worker', gpu: true, maxAttempts: 3 },
  compare: { name: 'compare', summary: 'Dice, HD95 and volume difference per label, shadow vs serving mask', runsOn: 'worker', gpu: false, maxAttempts: 3 },
  manifest: { name: 'manifest', summary: 'the signed provenance record, written once to manifests/', runsOn: 'platform', gpu: false, maxAttempts: 3 },
};

/** One node of a run's DAG: a step, for one model role where the step is per model. */
export interface PlannedTask {
  /** unique in the run: the step name, or `infer-live` / `infer-shadow` */
  id: string;
  step: StepName;
  role?: ModelRole;
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
export function planRun(p: { serving: 'live' | 'canary'; shadow: boolean }): PlannedTask[] {
  const infer: PlannedTask[] = [{ id: `infer-${p.serving}`, step: 'infer', role: p.serving, after: ['convert'] }];
  if (p.shadow) infer.push({ id: 'infer-shadow', step: 'infer', role: 'shadow', after: ['convert'], optional: true });
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
