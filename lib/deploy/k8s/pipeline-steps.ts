import type { IRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import type { IRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import type { IPriorityClass } from 'kubernetes-models/scheduling.k8s.io/v1/PriorityClass';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { DEFAULT_SERVICE_ACCOUNT_PREFIX, DEFAULT_WORKER_CONFIG_MAP } from '@/lib/executor/argo/render-workflow-template';
import { GPU_SEMAPHORE, SHADOW_GPU_SEMAPHORE, SYNCHRONIZATION_CONFIG_MAP } from '@/lib/executor/argo/render-step-template';
import { WORKER_STEP_NAMES } from '@/lib/pipeline/steps';
import type { TClusterConfig } from '../cluster-config';
import { PART_OF } from './labels';

/** the object store settings of every segflow process (credentials come from its service account, never from here) */
export function storageSettings(c: TClusterConfig): Record<string, string> {
  return {
    S3_BUCKET: c.storage.bucket,
    S3_REGION: c.storage.region,
    S3_KMS_KEY_ID: c.storage.kmsKeyId,
    ...(c.storage.endpoint ? { S3_ENDPOINT: c.storage.endpoint } : {}),
    S3_FORCE_PATH_STYLE: c.storage.endpoint ? 'true' : 'false',
    // Node 20 is what the images run; the SDK's notice about its 2027 releases is known (README)
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** The worker steps, as the WorkflowTemplate names their service accounts. */
export function workerSteps(): string[] {
  return [...WORKER_STEP_NAMES];
}

/**
 * What the pipeline's pods need in the namespace, mirroring the step registry (lib/pipeline/steps.ts): one
 * ServiceAccount per worker step (bound, through its annotations, to deploy/iam/step-<step>.json),
 * the Role Argo's executor sidecar needs (reporting task results), the PriorityClasses of live and
 * shadow work, the semaphores capping GPU inference, and the workers' object store settings.
 */
export function pipelineManifests(c: TClusterConfig): (IServiceAccount | IRole | IRoleBinding | IPriorityClass | IConfigMap)[] {
  const steps = workerSteps();
  const labels = { 'app.kubernetes.io/name': 'segflow', 'app.kubernetes.io/component': 'pipeline', ...PART_OF };
  const meta = (name: string) => ({ name, namespace: c.namespace, labels });
  const accounts: IServiceAccount[] = steps.map((step) => ({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      ...meta(`${DEFAULT_SERVICE_ACCOUNT_PREFIX}-${step}`),
      labels: { ...labels, 'segflow.io/step': step },
      annotations: {
        'segflow.io/iam-policy': `deploy/iam/step-${step}.json`,
        ...Object.fromEntries(Object.entries(c.stepServiceAccountAnnotations).map(([k, v]) => [k, v.replaceAll('{step}', step)])),
      },
    },
  }));
  return [
    ...accounts,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta('segflow-step'),
      // the minimum for Argo's executor (>= 3.4): report each task's outputs
      rules: [{ apiGroups: ['argoproj.io'], resources: ['workflowtaskresults'], verbs: ['create', 'patch'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta('segflow-step'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'segflow-step' },
      subjects: accounts.map((a) => ({ kind: 'ServiceAccount', name: a.metadata!.name!, namespace: c.namespace })),
    },
    {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: c.priorityClasses.live.name, labels },
      value: c.priorityClasses.live.value,
      globalDefault: false,
      description: 'segflow: serving-path pipeline pods (what researchers wait for)',
    },
    {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: c.priorityClasses.shadow.name, labels },
      value: c.priorityClasses.shadow.value,
      globalDefault: false,
      // shadow work waits for room; it never evicts anything to get it
      preemptionPolicy: 'Never',
      description: 'segflow: shadow inference and comparisons (ADR-03), after the serving path',
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(SYNCHRONIZATION_CONFIG_MAP),
      data: { [GPU_SEMAPHORE]: String(c.gpu.slots), [SHADOW_GPU_SEMAPHORE]: String(Math.min(c.gpu.shadowSlots, c.gpu.slots)) },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(DEFAULT_WORKER_CONFIG_MAP),
      data: storageSettings(c),
    },
  ];
}
