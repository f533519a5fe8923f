import { z } from 'zod';

/**
 * What a worker step is given and what it answers: the contract between the executors (local child
 * processes, Argo containers) and workers/run-step.ts. Objects are passed by key; a step reads its
 * inputs from the bucket and writes its outputs to deterministic keys under derived/, so a retried
 * step writes the same bytes to the same keys.
 */
const ZSha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const ZObjectRef = z.object({ key: z.string().min(1), versionId: z.string().nullable(), sha256: ZSha256, size: z.number().int().min(0) });
export type TObjectRef = z.infer<typeof ZObjectRef>;

export const ZModelRef = z.object({ role: z.enum(['live', 'canary', 'shadow']), model: z.string(), version: z.string(), sha256: ZSha256, artifactKey: z.string(), spec: z.record(z.string(), z.unknown()) });
export type TModelRef = z.infer<typeof ZModelRef>;

export const ZStepInvocation = z.object({
  step: z.enum(['ingest', 'deidentify', 'convert', 'infer', 'compare']),
  task: z.string(),
  run: z.object({ id: z.uuid(), projectId: z.uuid(), studyId: z.uuid() }),
  /** dicom: a series of instances; nifti: one volume */
  kind: z.enum(['dicom', 'nifti']),
  /** the run's input objects (raw-phi/) */
  inputs: z.array(ZObjectRef),
  /** outputs of the tasks this one depends on, by task id */
  upstream: z.record(z.string(), z.array(ZObjectRef.extend({ name: z.string() }))),
  model: ZModelRef.optional(),
  /** the other model roles of the run (compare: which output is the serving one) */
  params: z.record(z.string(), z.unknown()),
});
export type TStepInvocation = z.infer<typeof ZStepInvocation>;

export const ZStepOutput = ZObjectRef.extend({ name: z.string() });
export type TStepOutput = z.infer<typeof ZStepOutput>;

export const ZStepResult = z.object({
  outputs: z.array(ZStepOutput),
  /** small facts for the run page and the manifest (provider, label volumes, quarantined count) */
  info: z.record(z.string(), z.unknown()),
});
export type TStepResult = z.infer<typeof ZStepResult>;
