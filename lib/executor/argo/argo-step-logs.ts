import { z } from 'zod';
import type { Run } from '@/db/schema';
import { saveStepLog } from '@/lib/runs/logs/save-step-log';
import { STEP_LOG_MAX_BYTES, StepLog } from '@/lib/runs/logs/step-log';
import type { ArgoTaskStatus } from './argo-client';
import { ArgoError, argoStreamRequest, type ArgoConnection } from './argo-http';

/** one message of WorkflowService_WorkflowLogs' stream: `Stream result of io.argoproj.workflow.v1alpha1.LogEntry` */
const ZLogMessage = z.object({
  result: z.object({ content: z.string().nullish(), podName: z.string().nullish() }).nullish(),
  error: z.object({ message: z.string().nullish(), http_code: z.number().nullish(), grpc_code: z.number().nullish() }).nullish(),
});

/**
 * GET /api/v1/workflows/{namespace}/{name}/log (WorkflowService_WorkflowLogs) for one pod's main
 * container: its lines, at most `limitBytes` of them read (Kubernetes' limitBytes: the head is kept,
 * so the bound here is in bytes as the local executor's; StepLog keeps the tail of what came).
 */
export async function fetchArgoPodLog(c: ArgoConnection & { workflow: string; pod: string; limitBytes?: number }): Promise<string[]> {
  const q = new URLSearchParams({
    podName: c.pod,
    'logOptions.container': 'main',
    'logOptions.limitBytes': String(c.limitBytes ?? STEP_LOG_MAX_BYTES),
  });
  const { what, messages } = await argoStreamRequest(c, `/api/v1/workflows/${encodeURIComponent(c.namespace)}/${encodeURIComponent(c.workflow)}/log?${q}`);
  const lines: string[] = [];
  for (const m of messages) {
    const parsed = ZLogMessage.safeParse(m);
    if (!parsed.success) throw new ArgoError(`${what}: not a log stream message: ${JSON.stringify(m).slice(0, 200)}`, 200);
    if (parsed.data.error)
      throw new ArgoError(
        `${what}: ${parsed.data.error.message ?? 'stream error'}`,
        parsed.data.error.http_code ?? 200,
        parsed.data.error.message ?? undefined,
      );
    if (parsed.data.result?.content != null) lines.push(parsed.data.result.content);
  }
  return lines;
}

/**
 * Stores each attempt's log of a finished Argo task under the same keys as the local executor's
 * (derived/…/logs/<task>/<attempt>), bounded the same way. A log Argo cannot give (the pod was
 * garbage-collected, the server refused) is stored as a note saying so, never failing the run. The
 * steps print no identifying values (the same step code as the local executor's).
 */
export async function saveArgoTaskLogs(
  c: ArgoConnection,
  p: { run: Pick<Run, 'id' | 'projectId' | 'studyId'>; workflow: string; task: Pick<ArgoTaskStatus, 'task' | 'pods'> },
): Promise<void> {
  for (const [i, pod] of p.task.pods.entries()) {
    const log = new StepLog();
    try {
      for (const line of await fetchArgoPodLog({ ...c, workflow: p.workflow, pod })) log.write('stdout', `${line}\n`);
    } catch (err) {
      log.note(`the log of pod ${pod} is not available from Argo: ${err instanceof Error ? err.message : String(err)}`);
    }
    await saveStepLog({ run: p.run, task: p.task.task, attempt: i + 1, log, final: true });
  }
}
