/**
 * Test support: the workflow template as renderWorkflowTemplate writes it for deploy/cluster.json
 * (a pinned test image), with the parts of its shape the tests read.
 */
import { readClusterConfig } from '@/lib/deploy/cluster-config';
import { WORKER_STEP_NAMES, type WorkerStepName } from '@/lib/pipeline/steps';
import type { SimTask } from '@/test/argo-dag-sim';
import { renderOptionsFrom, renderWorkflowTemplate } from '../render-workflow-template';

export interface Param {
  name: string;
  value?: string;
  valueFrom?: { path: string };
}
export interface DagTask extends SimTask {
  template: string;
  arguments: { parameters: { name: string; value: string }[] };
}
export interface Tmpl {
  name: string;
  dag?: { tasks: DagTask[] };
  metadata?: { labels: Record<string, string> };
  inputs?: { parameters: Param[]; artifacts: { name: string; path: string; raw: { data: string } }[] };
  outputs?: { parameters: Param[] };
  serviceAccountName?: string;
  securityContext?: Record<string, unknown>;
  timeout?: string;
  priorityClassName?: string;
  synchronization?: { semaphores: { configMapKeyRef: { name: string; key: string } }[] };
  retryStrategy?: { limit: string; expression: string; backoff: { duration: string; factor: string; cap: string; maxDuration: string } };
  nodeSelector?: Record<string, string>;
  tolerations?: unknown[];
  metrics?: { prometheus: { name: string; labels: { key: string; value: string }[] }[] };
  container?: {
    image: string;
    command: string[];
    args: string[];
    env?: { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } }[];
    resources: { requests: Record<string, string>; limits: Record<string, string> };
    securityContext: Record<string, unknown>;
    volumeMounts: { name: string; mountPath: string }[];
  };
}
export interface Rendered {
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    entrypoint: string;
    activeDeadlineSeconds: number;
    podGC: unknown;
    ttlStrategy: unknown;
    podPriorityClassName: string;
    arguments: { parameters: Param[] };
    templates: Tmpl[];
  };
}

export const cluster = readClusterConfig();
export const IMAGE = `registry.example/segflow-worker@sha256:${'ab'.repeat(32)}`;
export const rendered = renderWorkflowTemplate({ ...renderOptionsFrom(cluster), namespace: 'research', image: IMAGE }) as unknown as Rendered;
export const templates = new Map(rendered.spec.templates.map((t) => [t.name, t]));
export const dag = templates.get(rendered.spec.entrypoint)!.dag!.tasks;
export const stepTemplates = rendered.spec.templates.filter((t) => t.container);
export const workerSteps = [...WORKER_STEP_NAMES];
export const stepOf = (t: Tmpl) => t.metadata!.labels['segflow.io/step'] as WorkerStepName;
