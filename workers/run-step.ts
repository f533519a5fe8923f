/**
 * The worker entry: one step of one run. Reads a step invocation (JSON, lib/pipeline/step-contract.ts),
 * runs the step, and writes its result (JSON) — to a file when given, else as the last stdout line.
 * The local executor runs it as a child process (`segflow step`), the Argo WorkflowTemplate as the
 * container's command: the same code on both.
 */
import { ZStepInvocation, ZStepResult, type TStepInvocation, type TStepResult } from '@/lib/pipeline/step-contract';
import { compare } from './steps/compare';
import { convert } from './steps/convert';
import { deidentify } from './steps/deidentify';
import { infer } from './steps/infer';
import { ingest } from './steps/ingest';

const STEP_FUNCTIONS: Record<TStepInvocation['step'], (inv: TStepInvocation) => Promise<TStepResult>> = { ingest, deidentify, convert, infer, compare };

export async function runStep(raw: unknown): Promise<TStepResult> {
  const parsed = ZStepInvocation.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`step invocation: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return ZStepResult.parse(await STEP_FUNCTIONS[parsed.data.step](parsed.data));
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
