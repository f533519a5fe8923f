/**
 * What goes into an Argo workflow's parameters, and how: every value small (object references, names),
 * and JSON that survives Argo's `{{…}}` substitution. The DAG's task names are here too, since the
 * parameters are named after them.
 */
import { planRun, topologicalOrder, type PlannedTask } from '@/lib/pipeline/definition';
import { STEPS, type WorkerStepName } from '@/lib/pipeline/steps';
import type { TObjectRef } from '@/lib/pipeline/step-contract';

/** Kubernetes label value: [A-Za-z0-9] at both ends, [-_.A-Za-z0-9] between, at most 63 characters. */
export function labelValue(s: string): string {
  return s
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/** The Kubernetes Secret holding a project's de-identification secret (key DEID_SECRET_KEY). */
export function deidSecretName(projectId: string): string {
  return `segflow-deid-${projectId.toLowerCase()}`;
}

/** The workflow of a run: named from it, so a second submission of the same run is refused (409), never run twice. */
export function workflowName(runId: string): string {
  return `segflow-run-${runId.toLowerCase()}`;
}

export type ArgoTask = PlannedTask & { step: WorkerStepName };
const isWorkerTask = (t: PlannedTask): t is ArgoTask => STEPS[t.step].runsOn === 'worker';

/**
 * The worker tasks of the DAG, in dependency order: planRun() with a shadow, without the platform
 * steps. DAG task names are the planned task ids (`infer-serving` whether live or canary serves: the
 * role is data, in the invocation's model), so nothing is translated.
 */
export function argoTasks(): ArgoTask[] {
  return topologicalOrder(planRun({ shadow: true })).filter(isWorkerTask);
}

/**
 * JSON that survives Argo's parameter substitution unchanged: ASCII only, and no `{{` (Argo would take
 * it for a template tag). Both only occur inside JSON strings, where the \u escapes mean the same.
 */
export function argoParameterJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\{\{/g, '\\u007b\\u007b');
}

/**
 * The workflow parameters of one run: a reference to each worker task's stored invocation (every
 * worker task of planRun() for the run; lib/pipeline/step-exchange.ts), and the name of its project's
 * de-identification Secret.
 */
export function argoWorkflowParameters(p: { shadow: boolean; invocations: Record<string, TObjectRef>; deidSecretName: string }): Record<string, string> {
  const planned = planRun({ shadow: p.shadow }).filter(isWorkerTask);
  const missing = planned.filter((t) => !p.invocations[t.id]).map((t) => t.id);
  const extra = Object.keys(p.invocations).filter((id) => !planned.some((t) => t.id === id));
  if (missing.length || extra.length)
    throw new Error(
      `invocations for a run${p.shadow ? ' with a shadow' : ' without a shadow'}: ${missing.length ? `missing ${missing.join(', ')}` : ''}${missing.length && extra.length ? '; ' : ''}${extra.length ? `not in the plan: ${extra.join(', ')}` : ''}`,
    );
  const out: Record<string, string> = { shadow: String(p.shadow), 'deid-secret-name': p.deidSecretName };
  for (const t of planned) out[`invocation-${t.id}`] = argoParameterJson(p.invocations[t.id]);
  return out;
}
