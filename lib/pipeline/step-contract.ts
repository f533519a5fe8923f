import { z } from 'zod';
import { ZModelRef, ZObjectRef, ZStepOutput, type TStepOutput } from '@/db/schema/run-json';
import { STEPS, WORKER_STEP_NAMES, type StepInfo, type StepParams, type WorkerStepName } from './steps';

/**
 * What a worker step is given and what it answers: the contract between the executors (local child
 * processes, Argo containers) and workers/run-step.ts, derived from the step registry (steps.ts).
 * Objects are passed by key; a step reads its inputs from the bucket and writes its outputs to
 * deterministic keys under derived/ (lib/storage/keys.ts stepOutputKey), so a retried step writes
 * the same bytes to the same keys.
 */
export { ZModelRef, ZObjectRef, ZStepOutput, type TModelRef, type TObjectRef, type TStepOutput } from '@/db/schema/run-json';

const ZInvocationBase = z.object({
  task: z.string(),
  run: z.object({ id: z.uuid(), projectId: z.uuid(), studyId: z.uuid() }),
  /** dicom: a series of instances; nifti: one volume */
  kind: z.enum(['dicom', 'nifti']),
  /** the run's input objects (raw-phi/) */
  inputs: z.array(ZObjectRef),
  /** outputs of the tasks this one depends on, by task id */
  upstream: z.record(z.string(), z.array(ZStepOutput)),
  /** the model version a per-model step runs (infer) */
  model: ZModelRef.optional(),
});

/** The invocation of one worker step: the common part, and the step's own params (STEPS[step].params). */
export type TStepInvocationOf<K extends WorkerStepName> = z.infer<typeof ZInvocationBase> & { step: K; params: StepParams<K> };
export type TStepInvocation = { [K in WorkerStepName]: TStepInvocationOf<K> }[WorkerStepName];

// built from the registry; the cast only restates, as one union type, what the loop builds per step
export const ZStepInvocation = z.discriminatedUnion(
  'step',
  WORKER_STEP_NAMES.map((step) => ZInvocationBase.extend({ step: z.literal(step), params: STEPS[step].params })) as unknown as [z.ZodObject, ...z.ZodObject[]],
) as unknown as z.ZodType<TStepInvocation>;

/**
 * The exit status of a step that refused its input (an AppError `out_of_domain`: the input is outside
 * the model's domain): the same input would be refused again, so the executors do not retry it. Its
 * stderr's last line is `{ "error": …, "code": "out_of_domain", "checks": [...] }`.
 */
export const STEP_REFUSED_EXIT_CODE = 3;

/** A step's answer as it travels (child process result file, Argo output parameter): outputs, and facts. */
export const ZStepResult = z.object({
  outputs: z.array(ZStepOutput),
  /** small facts for the run page and the manifest (provider, label volumes, quarantined count): STEPS[step].info */
  info: z.record(z.string(), z.unknown()),
});
export type TStepResult = z.infer<typeof ZStepResult>;
export type TStepResultOf<K extends WorkerStepName> = { outputs: TStepOutput[]; info: StepInfo<K> };

/** A result checked against its step's declared info (a step that answers something else fails). */
export function parseStepResult<K extends WorkerStepName>(step: K, raw: unknown): TStepResultOf<K> {
  const parsed = ZStepResult.extend({ info: STEPS[step].info }).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${step} result: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data as TStepResultOf<K>;
}
