/**
 * A small client for the Argo Server REST API (fixtures/argo/api/openapi-spec/swagger.json): submit a
 * workflow from the `segflow-pipeline` WorkflowTemplate, and read a workflow back as per-task statuses.
 * Bearer token auth (the `argo auth token` of a service account allowed to submit and read workflows).
 * Everything read back is checked with zod; errors name the request, the HTTP status and Argo's message.
 */
import { z } from 'zod';
import { ZStepResult, type TStepResult } from '@/lib/pipeline/step-contract';
import { argoTasks, WORKFLOW_TEMPLATE_NAME } from './render-workflow-template';

export interface ArgoConnection {
  /** the Argo Server's URL (`https://argo.example:2746`); a bare `host:port` means https */
  server: string;
  /** a bearer token, with or without the `Bearer ` prefix */
  token: string;
  namespace: string;
  /** default 30 s */
  timeoutMs?: number;
}

export class ArgoError extends Error {
  constructor(
    message: string,
    /** the HTTP status; 0 when the server could not be reached or answered something unreadable */
    readonly status: number,
    /** Argo's own message (grpc-gateway error body), when it sent one */
    readonly argoMessage?: string,
  ) {
    super(message);
    this.name = 'ArgoError';
  }
}

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
  outputs: z.object({ parameters: z.array(ZParameter).nullish(), exitCode: z.string().nullish() }).nullish(),
});
const ZWorkflow = z.object({
  metadata: z.object({ name: z.string(), namespace: z.string().nullish(), uid: z.string().nullish() }),
  spec: z.object({ arguments: z.object({ parameters: z.array(ZParameter).nullish() }).nullish() }).nullish(),
  status: z
    .object({
      phase: z.string().nullish(),
      message: z.string().nullish(),
      startedAt: ZTime,
      finishedAt: ZTime,
      nodes: z.record(z.string(), ZNode).nullish(),
    })
    .nullish(),
});
const ZArgoErrorBody = z.object({ code: z.number().optional(), message: z.string().optional(), error: z.string().optional() });

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
  /** the step's result (its `result` output parameter), once it has succeeded */
  result?: TStepResult;
  message?: string;
}

export interface ArgoWorkflowStatus {
  name: string;
  /** '' (just created, not yet seen by the controller) reads as Pending */
  phase: ArgoWorkflowPhase;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  /** the DAG's tasks that have a node yet, in dependency order */
  tasks: ArgoTaskStatus[];
}

function baseUrl(server: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `https://${server}`;
  const url = new URL(withScheme);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ArgoError(`Argo Server URL ${server}: expected http(s)`, 0);
  return url.toString().replace(/\/+$/, '');
}

async function request(c: ArgoConnection, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const url = `${baseUrl(c.server)}${path}`;
  const what = `Argo Server ${method} ${path}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: {
        accept: 'application/json',
        authorization: /^bearer /i.test(c.token) ? c.token : `Bearer ${c.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(c.timeoutMs ?? 30_000),
    });
  } catch (err) {
    const cause = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    throw new ArgoError(`${what}: could not reach ${baseUrl(c.server)}: ${cause}`, 0);
  }
  const text = await res.text();
  if (!res.ok) {
    let argoMessage: string | undefined;
    try {
      const parsed = ZArgoErrorBody.safeParse(JSON.parse(text));
      if (parsed.success) argoMessage = parsed.data.message || parsed.data.error;
    } catch {
      // not JSON: a proxy's page, say
    }
    const detail = argoMessage ?? (text.trim().slice(0, 300) || '(empty body)');
    const hint = res.status === 401 ? ' (is ARGO_TOKEN valid and not expired?)' : res.status === 403 ? ' (the token may not do this in this namespace)' : '';
    throw new ArgoError(`${what}: HTTP ${res.status} ${res.statusText}: ${detail}${hint}`, res.status, argoMessage);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ArgoError(`${what}: HTTP ${res.status} but the body is not JSON: ${text.slice(0, 200)}`, res.status);
  }
}

function parseWorkflow(raw: unknown, what: string): z.infer<typeof ZWorkflow> {
  const parsed = ZWorkflow.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ArgoError(`${what}: not a Workflow: ${issue.path.join('.') || '(root)'}: ${issue.message}`, 200);
  }
  return parsed.data;
}

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const enc = encodeURIComponent;

/**
 * POST /api/v1/workflows/{namespace}/submit (WorkflowService_SubmitWorkflow): a Workflow from the
 * WorkflowTemplate, with its parameters (`name=value`) and labels. Returns the created workflow's name.
 */
export async function submitWorkflow(p: ArgoConnection & {
  templateName?: string;
  parameters: Record<string, string>;
  labels?: Record<string, string>;
  /** metadata.generateName of the workflow (default: the template's name and a dash) */
  generateName?: string;
}): Promise<{ name: string; namespace: string; uid?: string }> {
  const templateName = p.templateName ?? WORKFLOW_TEMPLATE_NAME;
  for (const name of Object.keys(p.parameters)) if (!name || name.includes('=')) throw new ArgoError(`workflow parameter name ${JSON.stringify(name)}: must be non-empty, without "="`, 0);
  const labels = Object.entries(p.labels ?? {});
  for (const [k, v] of labels) if (!LABEL_KEY.test(k) || !LABEL_VALUE.test(v)) throw new ArgoError(`label ${k}=${v}: not a valid Kubernetes label`, 0);
  const body = {
    namespace: p.namespace,
    resourceKind: 'WorkflowTemplate',
    resourceName: templateName,
    submitOptions: {
      generateName: p.generateName ?? `${templateName}-`,
      parameters: Object.entries(p.parameters).map(([k, v]) => `${k}=${v}`),
      ...(labels.length ? { labels: labels.map(([k, v]) => `${k}=${v}`).join(',') } : {}),
    },
  };
  const path = `/api/v1/workflows/${enc(p.namespace)}/submit`;
  const wf = parseWorkflow(await request(p, 'POST', path, body), `Argo Server POST ${path}`);
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

const WORKFLOW_PHASES: ArgoWorkflowPhase[] = ['Pending', 'Running', 'Succeeded', 'Failed', 'Error'];
const NODE_PHASES: ArgoNodePhase[] = ['Pending', 'Running', 'Succeeded', 'Skipped', 'Failed', 'Error', 'Omitted'];

/**
 * GET /api/v1/workflows/{namespace}/{name} (WorkflowService_GetWorkflow): the workflow's phase and one
 * status per DAG task that has a node. A task with a retry strategy is a Retry node (its outputs are
 * its last pod's) whose children are the attempts' pods.
 */
export async function getWorkflow(p: ArgoConnection & { name: string }): Promise<ArgoWorkflowStatus> {
  const path = `/api/v1/workflows/${enc(p.namespace)}/${enc(p.name)}`;
  const what = `Argo Server GET ${path}`;
  const wf = parseWorkflow(await request(p, 'GET', path), what);
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
    const resultText = node.outputs?.parameters?.find((x) => x.name === 'result')?.value;
    let result: TStepResult | undefined;
    if (resultText != null && phase === 'Succeeded') {
      let json: unknown;
      try {
        json = JSON.parse(resultText);
      } catch {
        throw new ArgoError(`${what}: task ${task}: result is not JSON: ${resultText.slice(0, 200)}`, 200);
      }
      const parsed = ZStepResult.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new ArgoError(`${what}: task ${task}: result is not a step result: ${issue.path.join('.') || '(root)'}: ${issue.message}`, 200);
      }
      result = parsed.data;
    }
    // a retried task's own message is Argo's ("No more retries left"); its last attempt's says why
    const last = node.type === 'Retry' ? nodes.find((n) => n.id === node.children?.at(-1)) : undefined;
    const message = stepError(last?.message ?? node.message) ?? stepError(node.message);
    tasks.push({
      task,
      phase,
      ...(node.startedAt ? { startedAt: node.startedAt } : {}),
      ...(node.finishedAt ? { finishedAt: node.finishedAt } : {}),
      attempts,
      ...(result ? { result } : {}),
      ...(message ? { message } : {}),
    });
  }
  return {
    name: wf.metadata.name,
    phase: WORKFLOW_PHASES.find((x) => x === status.phase) ?? 'Pending',
    ...(status.message ? { message: status.message } : {}),
    ...(status.startedAt ? { startedAt: status.startedAt } : {}),
    ...(status.finishedAt ? { finishedAt: status.finishedAt } : {}),
    tasks,
  };
}
