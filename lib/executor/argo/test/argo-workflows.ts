/** Test support: workflows and DAG nodes as Argo Server returns them, for the client's and the executor's tests. */
import type { TObjectRef } from '@/lib/pipeline/step-contract';

export const T0 = '2026-03-01T10:00:00Z';
export const at = (s: number) => new Date(Date.parse(T0) + s * 1000).toISOString().replace('.000Z', 'Z');
export const sha = (c: string) => c.repeat(64);
/** what a step's `result` output parameter holds: the reference to its stored result */
export const stepResult = (task: string, name: string): TObjectRef => ({
  key: `pipeline/p/results/${task.replace(/-.*/, '')}/r/${task}.json`,
  versionId: `v-${task}-${name}`,
  sha256: sha('e'),
  size: 42,
});

/**
 * A workflow created from the template, as Argo Server returns it. `labels`: the ones segflow's
 * submit sets (the default is what a bare template submission carries).
 */
export function workflow(
  name: string,
  parameters: { name: string; value: string }[],
  status?: Record<string, unknown>,
  labels: Record<string, string> = { 'workflows.argoproj.io/workflow-template': 'segflow-pipeline' },
) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      name,
      namespace: 'segflow',
      uid: '5f0c1d8e-0000-4000-8000-000000000001',
      creationTimestamp: T0,
      labels,
    },
    spec: { workflowTemplateRef: { name: 'segflow-pipeline' }, arguments: { parameters } },
    ...(status ? { status } : {}),
  };
}

export type Node = Record<string, unknown> & { id: string; name: string; type: string };

/** the nodes of a DAG task with a retry strategy: a Retry node and one Pod per attempt */
export function retryTask(
  wf: string,
  task: string,
  template: string,
  attempts: { phase: string; message?: string; exitCode: string; result?: TObjectRef }[],
  start: number,
): Node[] {
  const id = `${wf}-${task}`;
  const pods = attempts.map((a, i) => ({
    id: `${id}-${i}`,
    name: `${wf}.${task}(${i})`,
    displayName: `${task}(${i})`,
    type: 'Pod',
    templateName: template,
    boundaryID: wf,
    phase: a.phase,
    ...(a.message ? { message: a.message } : {}),
    startedAt: at(start + i * 20),
    finishedAt: at(start + i * 20 + 15),
    outputs: { exitCode: a.exitCode, ...(a.result ? { parameters: [{ name: 'result', value: JSON.stringify(a.result) }] } : {}) },
  }));
  const last = attempts.at(-1)!;
  return [
    {
      id,
      name: `${wf}.${task}`,
      displayName: task,
      type: 'Retry',
      templateName: template,
      boundaryID: wf,
      phase: last.phase,
      ...(last.phase === 'Failed' ? { message: 'No more retries left' } : {}),
      startedAt: at(start),
      finishedAt: at(start + (attempts.length - 1) * 20 + 15),
      children: pods.map((p) => p.id),
      outputs: { exitCode: last.exitCode, ...(last.result ? { parameters: [{ name: 'result', value: JSON.stringify(last.result) }] } : {}) },
    },
    ...pods,
  ];
}

export const nodeMap = (nodes: Node[]) => Object.fromEntries(nodes.map((n) => [n.id, n]));
