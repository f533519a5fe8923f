/**
 * The Argo Workflows side of the pipeline: one WorkflowTemplate rendered from lib/pipeline/definition.ts,
 * the same definition the local executor walks, so the two cannot drift. deploy/argo/workflow-template.json
 * is this rendering with deploy/cluster.json (scripts/generate-deploy.ts; a test fails when stale).
 * Supported: Argo Workflows 3.7 and later (retryStrategy.backoff.cap, synchronization.semaphores).
 *
 * How a run flows through Argo:
 * - The platform stores every task's step invocation (lib/pipeline/step-contract.ts, `upstream` left
 *   empty) under pipeline/ in the bucket and submits the workflow with one parameter per task,
 *   `invocation-<task>`: the stored object's reference (key, version, SHA-256, size). Object lists
 *   never travel in parameters: Argo keeps those in etcd, again per node.
 * - Each DAG task passes its invocation reference to its template as the input parameter `invocation`,
 *   written to /work/invocation.json by a `raw` input artifact; `segflow step --by-ref` fetches and
 *   checks the invocation, runs the step, stores its result under pipeline/ and writes the result's
 *   reference to /tmp/result.json, which Argo reads back as the task's output parameter `result`.
 * - A task gets the `result` reference of every task before it in the DAG (its ancestors, as the local
 *   executor hands a step the outputs of every task finished before it) as `upstream-<task>` files;
 *   `segflow step --upstream <task>=<file>` merges each result's outputs into the invocation's `upstream`.
 * - DAG tasks are planRun()'s tasks, by the same ids: the serving model's infer is `infer-serving`
 *   whether the live or the canary version serves (the role is data, in its invocation's model), so
 *   nothing is translated. Each step template's resources, timeout, retries and backoff come from the
 *   step registry (lib/pipeline/steps.ts).
 * - Shadow work (ADR-03) never fails the workflow and never hangs it: the shadow infer runs only when
 *   the parameter `shadow` is "true"; compare `depends` on the serving infer having succeeded and on
 *   the shadow infer having finished in any way, and runs (`when`) only if the shadow succeeded: so
 *   it never reads the output of a failed shadow, and the DAG's leaf is then Skipped, not Failed.
 *   A failed serving path leaves compare Omitted, which Argo counts as that failure.
 *   (Argo refuses `continueOn` beside `depends`, and `dependencies` with continueOn would let a failed
 *   serving infer pass as success: argoproj/argo-workflows#13498.)
 * - The `manifest` step is not in the template: it runs on the platform (it holds the signing key), so
 *   segflow writes the manifest itself once the workflow has succeeded.
 */
import type { TClusterConfig } from '@/lib/deploy/cluster-config';
import { PIPELINE_VERSION, SERVING_INFER_TASK, type PlannedTask } from '@/lib/pipeline/definition';
import { STEPS, type WorkerStepName } from '@/lib/pipeline/steps';
import { argoTasks, labelValue, type ArgoTask } from './argo-parameters';
import { DEID_SECRET_KEY, renderStepTemplate } from './render-step-template';

export const WORKFLOW_TEMPLATE_NAME = 'segflow-pipeline';
export const PIPELINE_VERSION_LABEL = 'segflow.io/pipeline-version';
/** the DAG template (the workflow's entrypoint) */
export const DAG_TEMPLATE_NAME = 'pipeline';
export const DEFAULT_SERVICE_ACCOUNT_PREFIX = 'segflow-step';
/** ConfigMap with the workers' object store settings (S3_BUCKET, S3_REGION, S3_KMS_KEY_ID, ...) */
export const DEFAULT_WORKER_CONFIG_MAP = 'segflow-worker';
/** a finished workflow stays (its pods' logs with it) this long, then Argo deletes it from etcd */
export const WORKFLOW_TTL = { secondsAfterSuccess: 24 * 3600, secondsAfterFailure: 7 * 24 * 3600 } as const;

export interface RenderOptions {
  namespace: string;
  /** the worker image, by digest (`…@sha256:…`) */
  image: string;
  gpu: TClusterConfig['gpu'];
  priorityClasses: TClusterConfig['priorityClasses'];
  /** service account per step: `<prefix>-<step>`, each bound to its IAM role (deploy/iam/step-<step>.json) */
  serviceAccountPrefix?: string;
  workerConfigMap?: string;
}

/** The options deploy/ is rendered with, from deploy/cluster.json. */
export function renderOptionsFrom(c: TClusterConfig): RenderOptions {
  return { namespace: c.namespace, image: c.images.worker, gpu: c.gpu, priorityClasses: c.priorityClasses };
}

/** Every task before this one in the DAG (its transitive dependencies), in dependency order. */
function ancestors(tasks: ArgoTask[], name: string): string[] {
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

/** shadow-only: the shadow infer and everything after it */
function isShadowOnly(t: PlannedTask, tasks: ArgoTask[]): boolean {
  return t.model === 'shadow' || t.after.some((id) => isShadowOnly(tasks.find((x) => x.id === id)!, tasks));
}

/** `depends`: a serving-path dependency must have succeeded; an optional one must only have finished */
function dependsOf(t: ArgoTask, tasks: ArgoTask[]): string | undefined {
  const terms = t.after.map((d) =>
    tasks.find((x) => x.id === d)!.optional ? `(${d}.Succeeded || ${d}.Skipped || ${d}.Failed || ${d}.Errored)` : `${d}.Succeeded`,
  );
  return terms.length ? terms.join(' && ') : undefined;
}

/** `when`: shadow-only tasks run with a shadow, and only after their optional dependencies succeeded */
function whenOf(t: ArgoTask, tasks: ArgoTask[]): string | undefined {
  const conds = isShadowOnly(t, tasks) ? ["'{{workflow.parameters.shadow}}' == 'true'"] : [];
  for (const d of t.after) if (tasks.find((x) => x.id === d)!.optional) conds.push(`'{{tasks.${d}.status}}' == 'Succeeded'`);
  return conds.length ? conds.join(' && ') : undefined;
}

/** A step's worst case: every attempt to its timeout, with the longest backoff between, and no retry after maxDuration. */
function stepDeadlineSeconds(step: WorkerStepName): number {
  const { timeoutS, retry } = STEPS[step];
  const attempts = retry.maxAttempts;
  return Math.min(attempts * timeoutS + (attempts - 1) * retry.backoff.capS, retry.backoff.maxDurationS + timeoutS);
}

/** The workflow's activeDeadlineSeconds: the slowest path through the DAG with every step at its worst. */
export function workflowDeadlineSeconds(): number {
  const tasks = argoTasks();
  const memo = new Map<string, number>();
  const until = (t: ArgoTask): number => {
    if (!memo.has(t.id)) {
      const before = Math.max(0, ...t.after.map((d) => until(tasks.find((x) => x.id === d)!)));
      memo.set(t.id, before + stepDeadlineSeconds(t.step));
    }
    return memo.get(t.id)!;
  };
  return Math.max(...tasks.map(until));
}

/** The WorkflowTemplate `segflow-pipeline` as a plain object (serialize it as JSON or YAML). */
export function renderWorkflowTemplate(opts: RenderOptions): Record<string, unknown> {
  if (!/@sha256:[0-9a-f]{64}$/.test(opts.image)) throw new Error(`worker image must be pinned by digest (…@sha256:<64 hex>): ${opts.image}`);
  const o = { serviceAccountPrefix: DEFAULT_SERVICE_ACCOUNT_PREFIX, workerConfigMap: DEFAULT_WORKER_CONFIG_MAP, ...opts };
  const tasks = argoTasks();
  const version = labelValue(PIPELINE_VERSION);

  const dagTasks = tasks.map((t) => {
    const depends = dependsOf(t, tasks);
    const when = whenOf(t, tasks);
    return {
      name: t.id,
      template: t.id,
      ...(depends ? { depends } : {}),
      ...(when ? { when } : {}),
      arguments: {
        parameters: [
          { name: 'invocation', value: `{{workflow.parameters.invocation-${t.id}}}` },
          ...ancestors(tasks, t.id).map((u) => ({ name: `upstream-${u}`, value: `{{tasks.${u}.outputs.parameters.result}}` })),
        ],
      },
    };
  });

  const shadowTasks = tasks.filter((t) => isShadowOnly(t, tasks)).map((t) => t.id);
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'WorkflowTemplate',
    metadata: {
      name: WORKFLOW_TEMPLATE_NAME,
      namespace: o.namespace,
      labels: { [PIPELINE_VERSION_LABEL]: version },
      annotations: {
        'segflow.io/generated-from': 'lib/pipeline/definition.ts and deploy/cluster.json by lib/executor/argo/render-workflow-template.ts; do not edit',
        'segflow.io/not-in-template': 'manifest: written by segflow itself (it holds the signing key) when the workflow has succeeded',
        'segflow.io/argo-versions': '3.7 and later',
      },
    },
    spec: {
      entrypoint: DAG_TEMPLATE_NAME,
      workflowMetadata: { labels: { [PIPELINE_VERSION_LABEL]: version } },
      // nothing runs forever: a stuck run fails after its slowest path at its worst (each step also has its own timeout)
      activeDeadlineSeconds: workflowDeadlineSeconds(),
      // succeeded pods go at once; failed ones stay for their logs until the workflow's TTL
      podGC: { strategy: 'OnPodSuccess' },
      ttlStrategy: { ...WORKFLOW_TTL },
      podPriorityClassName: o.priorityClasses.live.name,
      arguments: {
        parameters: [
          {
            name: 'shadow',
            value: 'false',
            enum: ['true', 'false'],
            description: 'whether a shadow model runs beside the serving one (then the shadow infer and compare run)',
          },
          {
            name: 'deid-secret-name',
            description: `the project's Kubernetes Secret with the de-identification secret under key "${DEID_SECRET_KEY}" (segflow-deid-<project>)`,
          },
          ...tasks.map((t) => ({
            name: `invocation-${t.id}`,
            ...(shadowTasks.includes(t.id) ? { value: '{}' } : {}),
            description: `reference (JSON: key, versionId, sha256, size) to the stored step invocation of task ${t.id}${t.id === SERVING_INFER_TASK ? ' (the live or canary model)' : ''}${shadowTasks.includes(t.id) ? '; only with a shadow' : ''}`,
          })),
        ],
      },
      templates: [{ name: DAG_TEMPLATE_NAME, dag: { tasks: dagTasks } }, ...tasks.map((t) => renderStepTemplate(t, ancestors(tasks, t.id), o))],
    },
  };
}

/** deploy/argo/workflow-template.json: the rendering with deploy/cluster.json. */
export function workflowTemplateJson(c: TClusterConfig): string {
  return `${JSON.stringify(renderWorkflowTemplate(renderOptionsFrom(c)), null, 2)}\n`;
}
