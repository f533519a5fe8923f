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
