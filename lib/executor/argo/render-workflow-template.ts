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
 * - The serving infer task is one DAG task, `infer-serving`, whatever the serving role: its model comes
 *   in its invocation, and the workflow parameter `serving` (live | canary) names its upstream key for
 *   compare (`infer-live` / `infer-canary`, as planRun() names it). The shadow infer and compare run
 *   only when the workflow parameter `shadow` is "true".
 * - The `manifest` step is not in the template: it runs on the platform (it holds the signing key), so
 *   segflow writes the manifest itself once the workflow has succeeded.
 *
 * Size: parameters live in the Workflow object (etcd, about 1.5 MB for the whole object, node status
 * included); an invocation is a few hundred bytes per input object, so a series of a few hundred
 * instances fits, a larger one needs the controller's node status offloading.
 */
import { planRun, PIPELINE_VERSION, STEPS, topologicalOrder, type PlannedTask, type StepName } from '@/lib/pipeline/definition';
import type { TStepInvocation } from '@/lib/pipeline/step-contract';
import { DEID_SECRET_ENV } from '@/workers/steps/deid-secret';

export const WORKFLOW_TEMPLATE_NAME = 'segflow-pipeline';
export const PIPELINE_VERSION_LABEL = 'segflow.io/pipeline-version';
/** the DAG template (the workflow's entrypoint) */
export const DAG_TEMPLATE_NAME = 'pipeline';
/** the serving infer task: `infer-live` or `infer-canary` in planRun(), by the `serving` parameter */
export const SERVING_INFER_TASK = 'infer-serving';
/** the key of the project's de-identification secret in its Kubernetes Secret `segflow-deid-<project>` */
export const DEID_SECRET_KEY = 'secret';
export const DEFAULT_SERVICE_ACCOUNT_PREFIX = 'segflow-step';
/** ConfigMap with the workers' object store settings (S3_BUCKET, S3_REGION, S3_KMS_KEY_ID, ...) */
export const DEFAULT_WORKER_CONFIG_MAP = 'segflow-worker';

/** The values deploy/argo/workflow-template.json is rendered with. */
export const ARGO_TEMPLATE_PLACEHOLDERS = { namespace: 'segflow', image: `ghcr.io/segflow/worker@sha256:${'0'.repeat(64)}` } as const;

/** Retry backoff between attempts (Argo: duration, then times factor, at most cap). */
export const RETRY_BACKOFF = { duration: '10s', factor: '2', cap: '5m' } as const;

const INVOCATION_PATH = '/work/invocation.json';
const RESULT_PATH = '/tmp/result.json';
const upstreamPath = (argoTask: string) => `/work/upstream/${argoTask}.json`;

/** GPU scheduling: the NVIDIA device plugin's resource, the GPU operator's node label, the usual taint. */
const GPU = {
  limits: { 'nvidia.com/gpu': '1' },
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

/** The DAG task of a planned task: `infer-live` / `infer-canary` are `infer-serving`. */
export function argoTaskName(plannedId: string): string {
  return plannedId === 'infer-live' || plannedId === 'infer-canary' ? SERVING_INFER_TASK : plannedId;
}

/** The planned task id of a DAG task, for the serving role the workflow was submitted with. */
export function plannedTaskId(argoTask: string, serving: 'live' | 'canary'): string {
  return argoTask === SERVING_INFER_TASK ? `infer-${serving}` : argoTask;
}

/** The worker tasks of the DAG, in dependency order: planRun() with a shadow, without the platform steps. */
export function argoTasks(): (PlannedTask & { argoName: string; argoAfter: string[] })[] {
  return topologicalOrder(planRun({ serving: 'live', shadow: true }))
    .filter((t) => STEPS[t.step].runsOn === 'worker')
    .map((t) => ({ ...t, argoName: argoTaskName(t.id), argoAfter: t.after.map(argoTaskName) }));
}

/** Every task before this one in the DAG (its transitive dependencies), in dependency order. */
function ancestors(tasks: ReturnType<typeof argoTasks>, name: string): string[] {
  const byName = new Map(tasks.map((t) => [t.argoName, t]));
  const found = new Set<string>();
  const visit = (n: string) => {
    for (const dep of byName.get(n)?.argoAfter ?? []) {
      if (!found.has(dep)) {
        found.add(dep);
        visit(dep);
      }
    }
  };
  visit(name);
  return tasks.map((t) => t.argoName).filter((n) => found.has(n));
}

/** The upstream key a step sees for a DAG task (the planned id; the serving infer's depends on `serving`). */
function upstreamKey(argoTask: string): string {
  return argoTask === SERVING_INFER_TASK ? 'infer-{{workflow.parameters.serving}}' : argoTask;
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
export function argoWorkflowParameters(p: {
  serving: 'live' | 'canary';
  invocations: Record<string, TStepInvocation>;
  deidSecretName: string;
}): Record<string, string> {
  const shadow = 'infer-shadow' in p.invocations;
  const planned = planRun({ serving: p.serving, shadow }).filter((t) => STEPS[t.step].runsOn === 'worker');
  const missing = planned.filter((t) => !p.invocations[t.id]).map((t) => t.id);
  const extra = Object.keys(p.invocations).filter((id) => !planned.some((t) => t.id === id));
  if (missing.length || extra.length) throw new Error(`invocations for the ${p.serving} run${shadow ? ' with a shadow' : ''}: ${missing.length ? `missing ${missing.join(', ')}` : ''}${missing.length && extra.length ? '; ' : ''}${extra.length ? `not in the plan: ${extra.join(', ')}` : ''}`);
  const out: Record<string, string> = { serving: p.serving, shadow: String(shadow), 'deid-secret-name': p.deidSecretName };
  for (const t of planned) {
    const inv = p.invocations[t.id];
    if (inv.task !== t.id || inv.step !== t.step) throw new Error(`invocation for ${t.id} is for ${inv.step} task ${inv.task}`);
    out[`invocation-${argoTaskName(t.id)}`] = argoParameterJson({ ...inv, upstream: {} });
  }
  return out;
}

/** `when` of a task: the shadow infer and everything after it run only with a shadow. */
function whenOf(t: PlannedTask, tasks: ReturnType<typeof argoTasks>): string | undefined {
  const shadowOnly = (id: string): boolean => {
    const task = tasks.find((x) => x.id === id);
    return task ? task.role === 'shadow' || task.after.some(shadowOnly) : false;
  };
  return shadowOnly(t.id) ? "'{{workflow.parameters.shadow}}' == 'true'" : undefined;
}

function stepTemplate(step: StepName, upstreams: string[], o: Required<RenderOptions>): Record<string, unknown> {
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
    retryStrategy: { limit: String(def.maxAttempts - 1), retryPolicy: 'Always', expression: 'asInt(lastRetry.exitCode) != 2', backoff: { ...RETRY_BACKOFF } },
    ...(def.gpu ? { nodeSelector: GPU.nodeSelector, tolerations: GPU.tolerations } : {}),
    container: {
      image: o.image,
      imagePullPolicy: 'IfNotPresent',
      workingDir: '/app',
      command: ['node', 'bin/segflow.mjs'],
      args: ['step', INVOCATION_PATH, '--result', RESULT_PATH, ...upstreams.flatMap((u) => ['--upstream', `${upstreamKey(u)}=${upstreamPath(u)}`])],
      // a failed step's last stderr line (`{"error": …}`) becomes the pod's termination message, which
      // Argo shows as the node's message
      terminationMessagePolicy: 'FallbackToLogsOnError',
      envFrom: [{ configMapRef: { name: o.workerConfigMap } }],
      ...(step === 'deidentify'
        ? { env: [{ name: DEID_SECRET_ENV, valueFrom: { secretKeyRef: { name: '{{workflow.parameters.deid-secret-name}}', key: DEID_SECRET_KEY } } }] }
        : {}),
      ...(def.gpu ? { resources: { limits: GPU.limits } } : {}),
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
  const upstreamsByStep = new Map<StepName, string[]>();
  for (const t of tasks) {
    const ups = ancestors(tasks, t.argoName);
    const seen = upstreamsByStep.get(t.step);
    if (seen && seen.join() !== ups.join()) throw new Error(`tasks of step ${t.step} have different upstream tasks: ${seen.join()} / ${ups.join()}`);
    upstreamsByStep.set(t.step, ups);
  }

  const dagTasks = tasks.map((t) => {
    const when = whenOf(t, tasks);
    return {
      name: t.argoName,
      template: t.step,
      ...(t.argoAfter.length ? { dependencies: t.argoAfter } : {}),
      ...(when ? { when } : {}),
      // shadow work never fails the workflow (ADR-03): its failure is recorded, the serving path goes on
      ...(t.optional ? { continueOn: { failed: true, error: true } } : {}),
      arguments: {
        parameters: [
          { name: 'invocation', value: `{{workflow.parameters.invocation-${t.argoName}}}` },
          ...upstreamsByStep.get(t.step)!.map((u) => ({ name: `upstream-${u}`, value: `{{tasks.${u}.outputs.parameters.result}}` })),
        ],
      },
    };
  });

  const shadowTasks = tasks.filter((t) => whenOf(t, tasks)).map((t) => t.argoName);
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'WorkflowTemplate',
    metadata: {
      name: WORKFLOW_TEMPLATE_NAME,
      namespace: o.namespace,
      labels: { [PIPELINE_VERSION_LABEL]: version },
      annotations: {
        'segflow.io/generated-from': 'lib/pipeline/definition.ts by lib/executor/argo/render-workflow-template.ts; do not edit',
        'segflow.io/not-in-template': 'manifest: written by segflow itself (it holds the signing key) when the workflow has succeeded',
      },
    },
    spec: {
      entrypoint: DAG_TEMPLATE_NAME,
      workflowMetadata: { labels: { [PIPELINE_VERSION_LABEL]: version } },
      arguments: {
        parameters: [
          { name: 'serving', value: 'live', enum: ['live', 'canary'], description: 'role of the serving model: live, or canary for runs routed to the canary' },
          { name: 'shadow', value: 'false', enum: ['true', 'false'], description: 'whether a shadow model runs beside the serving one (then the shadow infer and compare run)' },
          { name: 'deid-secret-name', description: `the project's Kubernetes Secret with the de-identification secret under key "${DEID_SECRET_KEY}" (segflow-deid-<project>)` },
          ...tasks.map((t) => ({
            name: `invocation-${t.argoName}`,
            ...(shadowTasks.includes(t.argoName) ? { value: '{}' } : {}),
            description: `step invocation (JSON, lib/pipeline/step-contract.ts) of task ${t.argoName === SERVING_INFER_TASK ? 'infer-<serving>' : t.argoName}, upstream left empty${shadowTasks.includes(t.argoName) ? '; only with a shadow' : ''}`,
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
