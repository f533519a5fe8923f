/**
 * The worker entry: one step of one run. Reads a step invocation (JSON, lib/pipeline/step-contract.ts),
 * runs the step, and writes its result (JSON) — to a file when given, else as the last stdout line.
 * The local executor runs it as a child process (`segflow step`), the Argo WorkflowTemplate as the
 * container's command: the same code on both.
 */
import {
  parseStepResult,
  ZStepInvocation,
  ZStepResult,
  type TStepInvocation,
  type TStepInvocationOf,
  type TStepResult,
  type TStepResultOf,
} from '@/lib/pipeline/step-contract';
import type { WorkerStepName } from '@/lib/pipeline/steps';

/**
 * One handler per worker step of the registry: a step added there and not here is a compile error.
 * Each is loaded when its step runs, so a step process loads only its own code (de-identification
 * never loads onnxruntime, inference never loads the DICOM writer).
 */
type StepHandlers = { [K in WorkerStepName]: (inv: TStepInvocationOf<K>) => Promise<TStepResultOf<K>> };
const HANDLERS = {
  ingest: async (inv) => (await import('./steps/ingest')).ingest(inv),
  deidentify: async (inv) => (await import('./steps/deidentify')).deidentify(inv),
  convert: async (inv) => (await import('./steps/convert')).convert(inv),
  infer: async (inv) => (await import('./steps/infer')).infer(inv),
  compare: async (inv) => (await import('./steps/compare')).compare(inv),
} satisfies StepHandlers;

export async function runStep(raw: unknown): Promise<TStepResult> {
  const parsed = ZStepInvocation.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`step invocation: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const inv = parsed.data;
  // TypeScript cannot correlate HANDLERS[inv.step] with inv's variant; satisfies above checks each pair
  const handler = HANDLERS[inv.step] as (inv: TStepInvocation) => Promise<TStepResult>;
  return parseStepResult(inv.step, await handler(inv));
}

/**
 * Under Argo a step's invocation arrives with an empty `upstream`, and the results of the tasks before
 * it arrive as separate files (`segflow step --upstream <task>=<file>`): each result's outputs become
 * `upstream[<task>]`, as the local executor passes them.
 */
export function withUpstream(raw: unknown, results: Record<string, unknown>): unknown {
  if (!Object.keys(results).length) return raw;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('step invocation: (root): expected an object');
  const upstream: Record<string, unknown> = { ...((raw as { upstream?: Record<string, unknown> }).upstream ?? {}) };
  for (const [task, result] of Object.entries(results)) {
    const parsed = ZStepResult.safeParse(result);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`upstream result of ${task}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
    upstream[task] = parsed.data.outputs;
  }
  return { ...raw, upstream };
}
