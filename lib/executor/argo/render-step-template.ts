/**
 * One container template of the WorkflowTemplate: a DAG task's step in the worker image, with its
 * invocation and upstream results as object references (files written by `raw` input artifacts, so
 * the image needs no shell), its result reference as the output parameter `result`, its resources,
 * deadline, retries, service account, restricted security context, GPU scheduling and metrics.
 */
import { RESTRICTED_CONTAINER_SECURITY, RESTRICTED_POD_SECURITY, TMP_MOUNT, TMP_VOLUME } from '@/lib/deploy/pod-security';
import type { TClusterConfig } from '@/lib/deploy/cluster-config';
import { STEPS } from '@/lib/pipeline/steps';
import { DEID_SECRET_ENV } from '@/workers/steps/deid-secret';
import type { ArgoTask } from './argo-parameters';
import { STEP_REFUSED_EXIT_CODE } from '@/lib/pipeline/step-contract';

export const INVOCATION_PATH = '/work/invocation.json';
export const RESULT_PATH = '/tmp/result.json';
export const upstreamPath = (argoTask: string) => `/work/upstream/${argoTask}.json`;
/** the key of the project's de-identification secret in its Kubernetes Secret `segflow-deid-<project>` */
export const DEID_SECRET_KEY = 'secret';
/** the ConfigMap of Argo semaphores (deploy/k8s/), and its keys */
export const SYNCHRONIZATION_CONFIG_MAP = 'segflow-synchronization';
export const GPU_SEMAPHORE = 'gpu';
export const SHADOW_GPU_SEMAPHORE = 'gpu-shadow';
/**
 * an invocation that is not valid exits 2, an input outside the model's domain STEP_REFUSED_EXIT_CODE
 * (cli/commands/step.ts): another attempt would fail the same way
 */
export const RETRY_EXPRESSION = `asInt(lastRetry.exitCode) != 2 && asInt(lastRetry.exitCode) != ${STEP_REFUSED_EXIT_CODE}`;

export interface StepTemplateOptions {
  image: string;
  serviceAccountPrefix: string;
  workerConfigMap: string;
  gpu: TClusterConfig['gpu'];
  priorityClasses: TClusterConfig['priorityClasses'];
}

const semaphore = (key: string) => ({ configMapKeyRef: { name: SYNCHRONIZATION_CONFIG_MAP, key } });

/** Prometheus metrics of every step (Argo's template metrics, on the controller's /metrics). */
function stepMetrics(t: ArgoTask): Record<string, unknown> {
  const labels = [
    { key: 'step', value: t.step },
    { key: 'task', value: t.id },
    { key: 'status', value: '{{status}}' },
  ];
  return {
    prometheus: [
      {
        name: 'segflow_step_duration_seconds',
        help: 'Duration of a segflow pipeline step, by step, task and outcome',
        labels,
        histogram: { value: '{{duration}}', buckets: [10, 30, 60, 120, 300, 600, 1800, 3600] },
      },
      { name: 'segflow_step_results_total', help: 'Finished segflow pipeline steps, by step, task and outcome', labels, counter: { value: '1' } },
    ],
  };
}

export function renderStepTemplate(t: ArgoTask, upstreams: string[], o: StepTemplateOptions): Record<string, unknown> {
  const def = STEPS[t.step];
  const { requests, limits } = def.resources;
  const gpu = def.resources.gpu > 0;
  const d = (s: number) => (s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`);
  return {
    name: t.id,
    metadata: { labels: { 'segflow.io/step': t.step, 'segflow.io/task': t.id } },
    inputs: {
      parameters: [{ name: 'invocation' }, ...upstreams.map((u) => ({ name: `upstream-${u}` }))],
      artifacts: [
        { name: 'invocation', path: INVOCATION_PATH, raw: { data: '{{inputs.parameters.invocation}}' } },
        ...upstreams.map((u) => ({ name: `upstream-${u}`, path: upstreamPath(u), raw: { data: `{{inputs.parameters.upstream-${u}}}` } })),
      ],
    },
    outputs: { parameters: [{ name: 'result', valueFrom: { path: RESULT_PATH } }] },
    serviceAccountName: `${o.serviceAccountPrefix}-${t.step}`,
    securityContext: RESTRICTED_POD_SECURITY,
    // counted from the pod's creation: a pod Pending on a missing GPU, image, Secret or ConfigMap fails
    timeout: `${def.timeoutS}s`,
    // attempts in all = maxAttempts; no new attempt after maxDuration; backoff.cap needs Argo >= 3.7
    retryStrategy: {
      limit: String(def.retry.maxAttempts - 1),
      retryPolicy: 'Always',
      expression: RETRY_EXPRESSION,
      backoff: {
        duration: d(def.retry.backoff.initialS),
        factor: String(def.retry.backoff.factor),
        cap: d(def.retry.backoff.capS),
        maxDuration: d(def.retry.backoff.maxDurationS),
      },
    },
    // shadow work (ADR-03) yields to the serving path when the cluster is full
    ...(t.optional ? { priorityClassName: o.priorityClasses.shadow.name } : {}),
    ...(gpu
      ? {
          nodeSelector: o.gpu.nodeSelector,
          tolerations: o.gpu.tolerations,
          // at most `slots` inference pods hold a GPU, shadow ones at most `shadowSlots` of them
          synchronization: { semaphores: [semaphore(GPU_SEMAPHORE), ...(t.model === 'shadow' ? [semaphore(SHADOW_GPU_SEMAPHORE)] : [])] },
        }
      : {}),
    volumes: [TMP_VOLUME],
    metrics: stepMetrics(t),
    container: {
      image: o.image,
      imagePullPolicy: 'IfNotPresent',
      workingDir: '/app',
      command: ['node', 'bin/segflow.mjs'],
      args: ['step', INVOCATION_PATH, '--by-ref', '--result', RESULT_PATH, ...upstreams.flatMap((u) => ['--upstream', `${u}=${upstreamPath(u)}`])],
      // a failed step's last stderr line (`{"error": …}`) becomes the pod's termination message, which
      // Argo shows as the node's message
      terminationMessagePolicy: 'FallbackToLogsOnError',
      envFrom: [{ configMapRef: { name: o.workerConfigMap } }],
      ...(t.step === 'deidentify'
        ? { env: [{ name: DEID_SECRET_ENV, valueFrom: { secretKeyRef: { name: '{{workflow.parameters.deid-secret-name}}', key: DEID_SECRET_KEY } } }] }
        : {}),
      resources: {
        requests: { ...requests },
        limits: { ...limits, ...(gpu ? { [o.gpu.resource]: String(def.resources.gpu) } : {}) },
      },
      securityContext: RESTRICTED_CONTAINER_SECURITY,
      volumeMounts: [TMP_MOUNT],
    },
  };
}
