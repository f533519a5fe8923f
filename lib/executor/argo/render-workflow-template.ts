/**
 * The Argo Workflows side of the pipeline: one WorkflowTemplate rendered from lib/pipeline/definition.ts,
 * the same definition the local executor walks, so the two cannot drift. deploy/argo/workflow-template.json
 * is this rendering with placeholder values (scripts/generate-argo-template.ts; a test fails when stale).
 *
 * How a run flows through Argo parameters:
 * - The app prepares every task's step invocation up front (lib/pipeline/step-contract.ts) with an empty
 *   `upstream`, and submits them as workflow parameters `invocation-<task>` (argoWorkflowParameters()).
 * - Each DAG task passes its invocation to its step template as the input parameter `invocation`; the
 *   template writes it to /work/invocation.json as a `raw` input artifact (no shell in the image is
 *   needed: the init container writes the file, the main container runs `segflow step` on it).
 * - A step writes its result (ZStepResult JSON) to /tmp/result.json, which Argo reads back as the
 *   task's output parameter `result`.
 * - A task gets the `result` of every task before it in the DAG (its ancestors, as the local executor
 *   hands a step the outputs of every task finished before it) as input parameters `upstream-<task>`,
 *   written to /work/upstream/<task>.json the same way; `segflow step --upstream <task>=<file>` merges
 *   each result's outputs into the invocation's `upstream` (workers/run-step.ts withUpstream()).
 * - DAG tasks are planRun()'s tasks, by the same ids: the serving model's infer is `infer-serving`
 *   whether the live or the canary version serves (the role is data, in its invocation's model), so
 *   nothing is translated. The shadow infer and compare run only when the workflow parameter `shadow`
 *   is "true".
 * - Each step template's retries, backoff and GPU come from the step registry (lib/pipeline/steps.ts).
 * - The `manifest` step is not in the template: it runs on the platform (it holds the signing key), so
 *   segflow writes the manifest itself once the workflow has succeeded.
 *
 * Size: parameters live in the Workflow object (etcd, about 1.5 MB for the whole object, node status
 * included); an invocation is a few hundred bytes per input object, so a series of a few hundred
 * instances fits, a larger one needs the controller's node status offloading.
 */
import { planRun, PIPELINE_VERSION, SERVING_INFER_TASK, SHADOW_INFER_TASK, topologicalOrder, type PlannedTask } from '@/lib/pipeline/definition';
import { STEPS, type StepRetry, type WorkerStepName } from '@/lib/pipeline/steps';
import type { TStepInvocation } from '@/lib/pipeline/step-contract';
import { DEID_SECRET_ENV } from '@/workers/steps/deid-secret';

export const WORKFLOW_TEMPLATE_NAME = 'segflow-pipeline';
export const PIPELINE_VERSION_LABEL = 'segflow.io/pipeline-version';
/** the DAG template (the workflow's entrypoint) */
export const DAG_TEMPLATE_NAME = 'pipeline';
/** the key of the project's de-identification secret in its Kubernetes Secret `segflow-deid-<project>` */
export const DEID_SECRET_KEY = 'secret';
export const DEFAULT_SERVICE_ACCOUNT_PREFIX = 'segflow-step';
/** ConfigMap with the workers' object store settings (S3_BUCKET, S3_REGION, S3_KMS_KEY_ID, ...) */
export const DEFAULT_WORKER_CONFIG_MAP = 'segflow-worker';

/** The values deploy/argo/workflow-template.json is rendered with. */
export const ARGO_TEMPLATE_PLACEHOLDERS = { namespace: 'segflow', image: `ghcr.io/segflow/worker@sha256:${'0'.repeat(64)}` } as const;

/** A step's retry backoff in Argo's terms (duration, then times factor, at most cap). */
export function argoBackoff(retry: StepRetry): { duration: string; factor: string; cap: string } {
  const d = (s: number) => (s % 60 === 0 ? `${s / 60}m` : `${s}s`);
  return { duration: d(retry.backoff.initialS), factor: String(retry.backoff.factor), cap: d(retry.backoff.capS) };
}

const INVOCATION_PATH = '/work/invocation.json';
const RESULT_PATH = '/tmp/result.json';
const upstreamPath = (task: string) => `/work/upstream/${task}.json`;

/** GPU scheduling: the NVIDIA device plugin's resource, the GPU operator's node label, the usual taint. */
const GPU = {
  resource: 'nvidia.com/gpu',
  nodeSelector: { 'nvidia.com/gpu.present': 'true' },
  tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
};

export interface RenderOptions {
  namespace: string;
  /** the worker image, by digest (`…@sha256:…`) */
  image: string;
  /** service account per step: `<prefix>-<step>`, each bound to its IAM role (deploy/iam/step-<step>.json) */
  serviceAccountPrefix?: string;
  workerConfigMap?: string;
}

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

type WorkerTask = PlannedTask & { step: WorkerStepName };
const isWorkerTask = (t: PlannedTask): t is WorkerTask => STEPS[t.step].runsOn === 'worker';

/** The worker tasks of the DAG, in dependency order: planRun() with a shadow, without the platform steps. */
export function argoTasks(): WorkerTask[] {
  return topologicalOrder(planRun({ shadow: true })).filter(isWorkerTask);
}

/** Every task before this one in the DAG (its transitive dependencies), in dependency order. */
function ancestors(tasks: WorkerTask[], name: string): string[] {
  const byName = new Map(tasks.map((t) => [t.id, t]));
  const found = new Set<string>();
  const visit = (n: string) => {
    for (const dep of byName.get(n)?.after ?? []) {
      if (!found.has(dep)) {
        found.add(dep);
        visit(dep);
      }
    }
  };
  visit(name);
  return tasks.map((t) => t.id).filter((n) => found.has(n));
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
 * The workflow parameters of one run: its invocations by planned task id (every worker task of
 * planRun() for the run; their `upstream` is filled in by the steps), and the name of its project's
 * de-identification Secret.
 */
export function argoWorkflowParameters(p: { invocations: Record<string, TStepInvocation>; deidSecretName: string }): Record<string, string> {
  const shadow = SHADOW_INFER_TASK in p.invocations;
  const planned = planRun({ shadow }).filter(isWorkerTask);
  const missing = planned.filter((t) => !p.invocations[t.id]).map((t) => t.id);
  const extra = Object.keys(p.invocations).filter((id) => !planned.some((t) => t.id === id));
  if (missing.length || extra.length) throw new Error(`invocations for a run${shadow ? ' with a shadow' : ' without a shadow'}: ${missing.length ? `missing ${missing.join(', ')}` : ''}${missing.length && extra.length ? '; ' : ''}${extra.length ? `not in the plan: ${extra.join(', ')}` : ''}`);
  const out: Record<string, string> = { shadow: String(shadow), 'deid-secret-name': p.deidSecretName };
  for (const t of planned) {
    const inv = p.invocations[t.id];
    if (inv.task !== t.id || inv.step !== t.step) throw new Error(`invocation for ${t.id} is for ${inv.step} task ${inv.task}`);
    out[`invocation-${t.id}`] = argoParameterJson({ ...inv, upstream: {} });
  }
  return out;
}

/** `when` of a task: the shadow infer and everything after it run only with a shadow. */
function whenOf(t: PlannedTask, tasks: WorkerTask[]): string | undefined {
  const shadowOnly = (id: string): boolean => {
    const task = tasks.find((x) => x.id === id);
    return task ? task.model === 'shadow' || task.after.some(shadowOnly) : false;
  };
  return shadowOnly(t.id) ? "'{{workflow.parameters.shadow}}' == 'true'" : undefined;
}

function stepTemplate(step: WorkerStepName, upstreams: string[], o: Required<RenderOptions>): Record<string, unknown> {
  const def = STEPS[step];
  return {
    name: step,
    metadata: { labels: { 'segflow.io/step': step } },
    inputs: {
      parameters: [{ name: 'invocation' }, ...upstreams.map((u) => ({ name: `upstream-${u}` }))],
      artifacts: [
        { name: 'invocation', path: INVOCATION_PATH, raw: { data: '{{inputs.parameters.invocation}}' } },
        ...upstreams.map((u) => ({ name: `upstream-${u}`, path: upstreamPath(u), raw: { data: `{{inputs.parameters.upstream-${u}}}` } })),
      ],
    },
    outputs: { parameters: [{ name: 'result', valueFrom: { path: RESULT_PATH } }] },
    serviceAccountName: `${o.serviceAccountPrefix}-${step}`,
    securityContext: { runAsNonRoot: true, runAsUser: 10001 },
    // attempts in all = maxAttempts; an invocation that is not valid (exit 2) is not retried
    retryStrategy: { limit: String(def.retry.maxAttempts - 1), retryPolicy: 'Always', expression: 'asInt(lastRetry.exitCode) != 2', backoff: argoBackoff(def.retry) },
    ...(def.resources.gpu > 0 ? { nodeSelector: GPU.nodeSelector, tolerations: GPU.tolerations } : {}),
    container: {
      image: o.image,
      imagePullPolicy: 'IfNotPresent',
      workingDir: '/app',
      command: ['node', 'bin/segflow.mjs'],
      args: ['step', INVOCATION_PATH, '--result', RESULT_PATH, ...upstreams.flatMap((u) => ['--upstream', `${u}=${upstreamPath(u)}`])],
      // a failed step's last stderr line (`{"error": …}`) becomes the pod's termination message, which
      // Argo shows as the node's message
      terminationMessagePolicy: 'FallbackToLogsOnError',
      envFrom: [{ configMapRef: { name: o.workerConfigMap } }],
      ...(step === 'deidentify'
        ? { env: [{ name: DEID_SECRET_ENV, valueFrom: { secretKeyRef: { name: '{{workflow.parameters.deid-secret-name}}', key: DEID_SECRET_KEY } } }] }
        : {}),
      ...(def.resources.gpu > 0 ? { resources: { limits: { [GPU.resource]: String(def.resources.gpu) } } } : {}),
    },
  };
}

/** The WorkflowTemplate `segflow-pipeline` as a plain object (serialize it as JSON or YAML). */
export function renderWorkflowTemplate(opts: RenderOptions): Record<string, unknown> {
  if (!/@sha256:[0-9a-f]{64}$/.test(opts.image)) throw new Error(`worker image must be pinned by digest (…@sha256:<64 hex>): ${opts.image}`);
  const o: Required<RenderOptions> = { serviceAccountPrefix: DEFAULT_SERVICE_ACCOUNT_PREFIX, workerConfigMap: DEFAULT_WORKER_CONFIG_MAP, ...opts };
  const tasks = argoTasks();
  const version = labelValue(PIPELINE_VERSION);

  // one container template per worker step; tasks of one step (infer-serving, infer-shadow) share it,
  // so they must have the same ancestors
  const upstreamsByStep = new Map<WorkerStepName, string[]>();
  for (const t of tasks) {
    const ups = ancestors(tasks, t.id);
    const seen = upstreamsByStep.get(t.step);
    if (seen && seen.join() !== ups.join()) throw new Error(`tasks of step ${t.step} have different upstream tasks: ${seen.join()} / ${ups.join()}`);
    upstreamsByStep.set(t.step, ups);
  }

  const dagTasks = tasks.map((t) => {
    const when = whenOf(t, tasks);
    return {
      name: t.id,
      template: t.step,
      ...(t.after.length ? { dependencies: t.after } : {}),
      ...(when ? { when } : {}),
      // shadow work never fails the workflow (ADR-03): its failure is recorded, the serving path goes on
      ...(t.optional ? { continueOn: { failed: true, error: true } } : {}),
      arguments: {
        parameters: [
          { name: 'invocation', value: `{{workflow.parameters.invocation-${t.id}}}` },
          ...upstreamsByStep.get(t.step)!.map((u) => ({ name: `upstream-${u}`, value: `{{tasks.${u}.outputs.parameters.result}}` })),
        ],
      },
    };
  });

  const shadowTasks = tasks.filter((t) => whenOf(t, tasks)).map((t) => t.id);
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'WorkflowTemplate',
    metadata: {
      name: WORKFLOW_TEMPLATE_NAME,
      namespace: o.namespace,
      labels: { [PIPELINE_VERSION_LABEL]: version },
      annotations: {
        'segflow.io/generated-from': 'lib/pipeline/definition.ts and steps.ts by lib/executor/argo/render-workflow-template.ts; do not edit',
        'segflow.io/not-in-template': 'manifest: written by segflow itself (it holds the signing key) when the workflow has succeeded',
      },
    },
    spec: {
      entrypoint: DAG_TEMPLATE_NAME,
      workflowMetadata: { labels: { [PIPELINE_VERSION_LABEL]: version } },
      arguments: {
        parameters: [
          { name: 'shadow', value: 'false', enum: ['true', 'false'], description: 'whether a shadow model runs beside the serving one (then the shadow infer and compare run)' },
          { name: 'deid-secret-name', description: `the project's Kubernetes Secret with the de-identification secret under key "${DEID_SECRET_KEY}" (segflow-deid-<project>)` },
          ...tasks.map((t) => ({
            name: `invocation-${t.id}`,
            ...(shadowTasks.includes(t.id) ? { value: '{}' } : {}),
            description: `step invocation (JSON, lib/pipeline/step-contract.ts) of task ${t.id}${t.id === SERVING_INFER_TASK ? ' (the live or canary model)' : ''}, upstream left empty${shadowTasks.includes(t.id) ? '; only with a shadow' : ''}`,
          })),
        ],
      },
      templates: [{ name: DAG_TEMPLATE_NAME, dag: { tasks: dagTasks } }, ...[...upstreamsByStep].map(([step, ups]) => stepTemplate(step, ups, o))],
    },
  };
}

/** deploy/argo/workflow-template.json: the rendering with the placeholder image and namespace. */
export function workflowTemplateJson(): string {
  return `${JSON.stringify(renderWorkflowTemplate(ARGO_TEMPLATE_PLACEHOLDERS), null, 2)}\n`;
}
