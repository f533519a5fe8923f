/**
 * A small client for the Argo Server REST API (fixtures/argo/api/openapi-spec/swagger.json): submit a
 * workflow from the `segflow-pipeline` WorkflowTemplate under the run's own name, list segflow's
 * workflows in one call, read one back as per-task statuses, and stop, terminate, retry or resubmit
 * it. Everything read back is checked with zod; errors name the request, the HTTP status and Argo's
 * message (argo-http.ts).
 */
import { z } from 'zod';
import { ZObjectRef, type TObjectRef } from '@/lib/pipeline/step-contract';
import { STEPS } from '@/lib/pipeline/steps';
import { argoTasks } from './argo-parameters';
import { argoRequest, ArgoError, type ArgoConnection } from './argo-http';
import { WORKFLOW_TEMPLATE_NAME } from './render-workflow-template';

export { ArgoError, type ArgoConnection } from './argo-http';
import { argoPodName } from './argo-pod-name';

const ZTime = z.string().nullish();
const ZParameter = z.object({ name: z.string(), value: z.string().nullish() });
const ZNode = z.object({
  id: z.string(),
  name: z.string(),
  displayName: z.string().nullish(),
  type: z.string(),
  templateName: z.string().nullish(),
  phase: z.string().nullish(),
  message: z.string().nullish(),
  startedAt: ZTime,
  finishedAt: ZTime,
  children: z.array(z.string()).nullish(),
  synchronizationStatus: z.object({ waiting: z.string().nullish() }).nullish(),
  outputs: z.object({ parameters: z.array(ZParameter).nullish(), exitCode: z.string().nullish() }).nullish(),
});
const ZWorkflow = z.object({
  metadata: z.object({ name: z.string(), namespace: z.string().nullish(), uid: z.string().nullish(), labels: z.record(z.string(), z.string()).nullish() }),
  spec: z.object({ arguments: z.object({ parameters: z.array(ZParameter).nullish() }).nullish() }).nullish(),
  status: z
    .object({
      phase: z.string().nullish(),
      message: z.string().nullish(),
      startedAt: ZTime,
      finishedAt: ZTime,
      nodes: z.record(z.string(), ZNode).nullish(),
      /** set when the controller keeps the nodes in its offload database: a list leaves them out, a GET has them */
      offloadNodeStatusVersion: z.string().nullish(),
    })
    .nullish(),
});
const ZWorkflowList = z.object({ items: z.array(ZWorkflow).nullish(), metadata: z.object({ continue: z.string().nullish() }).nullish() });

export type ArgoWorkflowPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Error';
export type ArgoNodePhase = 'Pending' | 'Running' | 'Succeeded' | 'Skipped' | 'Failed' | 'Error' | 'Omitted';

export interface ArgoTaskStatus {
  /** the task id (lib/pipeline/definition.ts planRun()), which is the DAG task's name */
  task: string;
  phase: ArgoNodePhase;
  startedAt?: string;
  finishedAt?: string;
  /** pods run for it: 1 + retries (0 for a skipped task) */
  attempts: number;
  /** the pod of each attempt, oldest first (Argo's names: their logs are read by name) */
  pods: string[];
  /** the reference to the step's stored result (its `result` output parameter), once it has succeeded */
  resultRef?: TObjectRef;
  message?: string;
  /** why a task that should be running is not yet: "waiting for a GPU node", … (Pending pods, semaphores) */
  waiting?: string;
}

export interface ArgoWorkflowStatus {
  name: string;
  labels: Record<string, string>;
  /** '' (just created, not yet seen by the controller) reads as Pending */
  phase: ArgoWorkflowPhase;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  /** the DAG's tasks that have a node yet, in dependency order */
  tasks: ArgoTaskStatus[];
  /** the list left the nodes out (node status offloading): GET the workflow for its tasks */
  nodesOffloaded: boolean;
}

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const enc = encodeURIComponent;

function parseWorkflow(raw: unknown, what: string): z.infer<typeof ZWorkflow> {
  const parsed = ZWorkflow.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ArgoError(`${what}: not a Workflow: ${issue.path.join('.') || '(root)'}: ${issue.message}`, 200);
  }
  return parsed.data;
}

/**
 * POST /api/v1/workflows/{namespace}/submit (WorkflowService_SubmitWorkflow): a Workflow from the
 * WorkflowTemplate, named `name` (so a second submission of the same run is refused with 409, never
 * run twice), with its parameters (`name=value`) and labels. Returns the created workflow's name.
 */
export async function submitWorkflow(
  p: ArgoConnection & {
    templateName?: string;
    parameters: Record<string, string>;
    labels?: Record<string, string>;
    /** metadata.name of the workflow; without it, generateName `<template>-` */
    name?: string;
  },
): Promise<{ name: string; namespace: string; uid?: string }> {
  const templateName = p.templateName ?? WORKFLOW_TEMPLATE_NAME;
  for (const name of Object.keys(p.parameters))
    if (!name || name.includes('=')) throw new ArgoError(`workflow parameter name ${JSON.stringify(name)}: must be non-empty, without "="`, 0);
  const labels = Object.entries(p.labels ?? {});
  for (const [k, v] of labels) if (!LABEL_KEY.test(k) || !LABEL_VALUE.test(v)) throw new ArgoError(`label ${k}=${v}: not a valid Kubernetes label`, 0);
  if (p.name !== undefined && !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(p.name))
    throw new ArgoError(`workflow name ${JSON.stringify(p.name)}: not a valid Kubernetes name`, 0);
  const body = {
    namespace: p.namespace,
    resourceKind: 'WorkflowTemplate',
    resourceName: templateName,
    submitOptions: {
      ...(p.name ? { name: p.name } : { generateName: `${templateName}-` }),
      parameters: Object.entries(p.parameters).map(([k, v]) => `${k}=${v}`),
      ...(labels.length ? { labels: labels.map(([k, v]) => `${k}=${v}`).join(',') } : {}),
    },
  };
  const path = `/api/v1/workflows/${enc(p.namespace)}/submit`;
  const wf = parseWorkflow(await argoRequest(p, 'POST', path, body), `Argo Server POST ${path}`);
  return { name: wf.metadata.name, namespace: wf.metadata.namespace ?? p.namespace, ...(wf.metadata.uid ? { uid: wf.metadata.uid } : {}) };
}

/**
 * A node's message. A failed step's reads `main: Error (exit code 1): <the end of its log>` (the
 * template's terminationMessagePolicy), whose last `{"error": …}` line is the step's error: that alone.
 */
function stepError(message: string | null | undefined): string | undefined {
  if (!message) return undefined;
  for (const line of message.trim().split('\n').reverse()) {
    const at = line.indexOf('{"error"');
    if (at < 0) continue;
    try {
      const parsed = JSON.parse(line.slice(at)) as { error?: unknown };
      if (typeof parsed.error === 'string') return parsed.error;
    } catch {
      // not the step's JSON error line
    }
  }
  return message;
}

/**
 * Why a pending pod or task waits, in the words of the run page: the scheduler's and kubelet's
 * reasons as Argo copies them into the node's message, and Argo's own semaphore wait.
 */
export function waitingReason(message: string | null | undefined, syncWaiting: string | null | undefined, gpu: boolean): string | undefined {
  if (syncWaiting || /Waiting for .* lock/i.test(message ?? ''))
    return gpu ? 'waiting for a free GPU slot (other inference runs hold them)' : 'waiting for a free slot';
  if (!message) return undefined;
  if (/Unschedulable|didn't match|Insufficient|untolerated taint|nodes are available/i.test(message))
    return gpu ? 'waiting for a GPU node' : 'waiting for a node with room for the step';
  if (/ImagePullBackOff|ErrImagePull|InvalidImageName/.test(message)) return 'waiting: the worker image cannot be pulled (check its digest and the registry)';
  if (/CreateContainerConfigError|secret .* not found|configmap .* not found/i.test(message)) return 'waiting: a Secret or ConfigMap the step needs is missing';
  return undefined;
}

const WORKFLOW_PHASES: ArgoWorkflowPhase[] = ['Pending', 'Running', 'Succeeded', 'Failed', 'Error'];
const NODE_PHASES: ArgoNodePhase[] = ['Pending', 'Running', 'Succeeded', 'Skipped', 'Failed', 'Error', 'Omitted'];

/** A workflow as per-task statuses. A task with a retry strategy is a Retry node (its outputs are its last pod's) whose children are the attempts' pods. */
function toStatus(wf: z.infer<typeof ZWorkflow>, what: string): ArgoWorkflowStatus {
  const status = wf.status ?? {};
  const nodes = Object.values(status.nodes ?? {});

  const tasks: ArgoTaskStatus[] = [];
  for (const t of argoTasks()) {
    // the DAG task's node: displayName is the task name (a retry's pods are `<task>(0)`, `<task>(1)`, …)
    const node = nodes.find((n) => (n.displayName ?? n.name.split('.').at(-1)) === t.id);
    if (!node) continue;
    const phase = NODE_PHASES.find((x) => x === node.phase) ?? 'Pending';
    const task = t.id;
    const attempts = node.type === 'Retry' ? (node.children ?? []).length : node.type === 'Pod' ? 1 : 0;
    const podNodes =
      node.type === 'Retry'
        ? (node.children ?? []).map((id) => nodes.find((n) => n.id === id)).filter((n) => n !== undefined)
        : node.type === 'Pod'
          ? [node]
          : [];
    const pods = podNodes.map((n) => argoPodName(wf.metadata.name, n));
    const resultText = node.outputs?.parameters?.find((x) => x.name === 'result')?.value;
    let resultRef: TObjectRef | undefined;
    if (resultText != null && phase === 'Succeeded') {
      let json: unknown;
      try {
        json = JSON.parse(resultText);
      } catch {
        throw new ArgoError(`${what}: task ${task}: result is not JSON: ${resultText.slice(0, 200)}`, 200);
      }
      const parsed = ZObjectRef.strict().safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new ArgoError(`${what}: task ${task}: result is not a stored result's reference: ${issue.path.join('.') || '(root)'}: ${issue.message}`, 200);
      }
      resultRef = parsed.data;
    }
    // a retried task's own message is Argo's ("No more retries left"); its last attempt's says why
    const last = node.type === 'Retry' ? nodes.find((n) => n.id === node.children?.at(-1)) : undefined;
    const message = stepError(last?.message ?? node.message) ?? stepError(node.message);
    const waiting =
      phase === 'Pending' || phase === 'Running'
        ? waitingReason(
            last?.message ?? node.message,
            (last ?? node).synchronizationStatus?.waiting ?? node.synchronizationStatus?.waiting,
            STEPS[t.step].resources.gpu > 0,
          )
        : undefined;
    const pending = phase === 'Pending' || (phase === 'Running' && last?.phase === 'Pending');
    tasks.push({
      task,
      phase,
      ...(node.startedAt ? { startedAt: node.startedAt } : {}),
      ...(node.finishedAt ? { finishedAt: node.finishedAt } : {}),
      attempts,
      pods,
      ...(resultRef ? { resultRef } : {}),
      ...(message && !waiting ? { message } : {}),
      ...(waiting && pending ? { waiting } : {}),
    });
  }
  return {
    name: wf.metadata.name,
    labels: wf.metadata.labels ?? {},
    phase: WORKFLOW_PHASES.find((x) => x === status.phase) ?? 'Pending',
    ...(status.message ? { message: status.message } : {}),
    ...(status.startedAt ? { startedAt: status.startedAt } : {}),
    ...(status.finishedAt ? { finishedAt: status.finishedAt } : {}),
    tasks,
    nodesOffloaded: Boolean(status.offloadNodeStatusVersion) && !status.nodes,
  };
}

/** GET /api/v1/workflows/{namespace}/{name} (WorkflowService_GetWorkflow): the workflow's phase and one status per DAG task that has a node. */
export async function getWorkflow(p: ArgoConnection & { name: string }): Promise<ArgoWorkflowStatus> {
  const path = `/api/v1/workflows/${enc(p.namespace)}/${enc(p.name)}`;
  const what = `Argo Server GET ${path}`;
  return toStatus(parseWorkflow(await argoRequest(p, 'GET', path), what), what);
}

/** the parts of each workflow a list returns (`fields`): what toStatus() reads, not the stored template */
export const LIST_FIELDS = [
  'metadata.continue',
  'items.metadata.name',
  'items.metadata.namespace',
  'items.metadata.labels',
  'items.spec.arguments',
  'items.status.phase',
  'items.status.message',
  'items.status.startedAt',
  'items.status.finishedAt',
  'items.status.nodes',
  'items.status.offloadNodeStatusVersion',
];

/**
 * GET /api/v1/workflows/{namespace} (WorkflowService_ListWorkflows): every workflow matching the label
 * selector, only the fields the executor reads, page by page (`limit` each).
 */
export async function listWorkflows(p: ArgoConnection & { labelSelector: string; limit?: number }): Promise<ArgoWorkflowStatus[]> {
  const out: ArgoWorkflowStatus[] = [];
  let cont: string | undefined;
  do {
    const q = new URLSearchParams({ 'listOptions.labelSelector': p.labelSelector, 'listOptions.limit': String(p.limit ?? 500), fields: LIST_FIELDS.join(',') });
    if (cont) q.set('listOptions.continue', cont);
    const path = `/api/v1/workflows/${enc(p.namespace)}`;
    const what = `Argo Server GET ${path}`;
    const parsed = ZWorkflowList.safeParse(await argoRequest(p, 'GET', `${path}?${q}`));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ArgoError(`${what}: not a WorkflowList: ${issue.path.join('.') || '(root)'}: ${issue.message}`, 200);
    }
    for (const wf of parsed.data.items ?? []) out.push(toStatus(wf, `${what} (${wf.metadata.name})`));
    cont = parsed.data.metadata?.continue || undefined;
  } while (cont);
  return out;
}

export type WorkflowAction = 'stop' | 'terminate' | 'retry' | 'resubmit';

/**
 * PUT /api/v1/workflows/{namespace}/{name}/{stop|terminate|retry|resubmit}:
 * - stop: no new steps start, running ones finish, exit handlers run (the workflow ends Failed);
 * - terminate: running pods are killed now, no exit handlers;
 * - retry: the same workflow runs again from its failed nodes (succeeded steps are kept);
 * - resubmit: a new workflow from this one's spec (Argo names it; returned here).
 */
export async function actOnWorkflow(p: ArgoConnection & { name: string; action: WorkflowAction; message?: string }): Promise<{ name: string }> {
  const path = `/api/v1/workflows/${enc(p.namespace)}/${enc(p.name)}/${p.action}`;
  const body = { name: p.name, namespace: p.namespace, ...(p.action === 'stop' && p.message ? { message: p.message } : {}) };
  const wf = parseWorkflow(await argoRequest(p, 'PUT', path, body), `Argo Server PUT ${path}`);
  return { name: wf.metadata.name };
}
