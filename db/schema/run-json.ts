import { z } from 'zod';

/**
 * The shapes of the runs' JSON columns — `runs.params` and `run_steps.outputs` — as zod schemas, so
 * the drizzle columns are typed from them (`$type<…>`) and the rows are parsed where they are read
 * (parseRunParams, parseStepOutputs). They live here, below lib/, because the schema is typed by them;
 * lib/pipeline/step-contract.ts re-exports them for the steps.
 */
export const ZSha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 (64 hex digits)');

/** an object of the bucket, as a run records it */
export const ZObjectRef = z.object({ key: z.string().min(1), versionId: z.string().nullable(), sha256: ZSha256, size: z.number().int().min(0) });
export type TObjectRef = z.infer<typeof ZObjectRef>;

/** one output of a step: the object and its name among the step's outputs (lib/pipeline/steps.ts) */
export const ZStepOutput = ZObjectRef.extend({ name: z.string().min(1) });
export type TStepOutput = z.infer<typeof ZStepOutput>;
export const ZStepOutputs = z.array(ZStepOutput);

/**
 * One check of a model's input domain (before inference) or of its output's plausibility (after it),
 * as a run records it (run_steps.checks, the manifest): lib/models/check-input-domain.ts and
 * lib/models/check-output-plausibility.ts.
 */
export const ZRunCheck = z.object({
  /** modality, body-part, spacing, extent, intensity; volume:<label> for an output label */
  check: z.string().min(1),
  /** failed: the input is outside the domain (the run is refused); warning: an implausible output (the run is flagged); not-checked: the input says nothing about it */
  outcome: z.enum(['passed', 'failed', 'warning', 'not-checked']),
  expected: z.string(),
  found: z.string(),
});
export type TRunCheck = z.infer<typeof ZRunCheck>;
export const ZRunChecks = z.array(ZRunCheck);

/** a model version as a step receives it; `role` is its stage in the slot when the run was submitted */
export const ZModelRef = z.object({
  role: z.enum(['live', 'canary', 'shadow']),
  model: z.string(),
  version: z.string(),
  sha256: ZSha256,
  artifactKey: z.string(),
  spec: z.record(z.string(), z.unknown()),
});
export type TModelRef = z.infer<typeof ZModelRef>;

/** a model version chosen for a run (lib/rollout/choose-models.ts), with its row id */
export const ZChosenModel = ZModelRef.extend({ versionId: z.string() });
export type TChosenModel = z.infer<typeof ZChosenModel>;

/** runs.params: what the run key hashes (model, series, kind, de-identification options) and the versions it runs */
export const ZRunParams = z.object({
  model: z.string(),
  seriesId: z.string(),
  kind: z.enum(['dicom', 'nifti']),
  deidOptions: z.record(z.string(), z.unknown()),
  serving: ZChosenModel.extend({ role: z.enum(['live', 'canary']) }),
  shadow: ZChosenModel.extend({ role: z.literal('shadow') }).optional(),
  /**
   * an operator's override of the models' input-domain refusal (a retry with a reason,
   * lib/runs/retry-run.ts): inference runs outside the declared domain, and the run says so
   */
  domainOverride: z.object({ reason: z.string(), by: z.string(), at: z.string() }).optional(),
  /** a NIfTI volume's modality and body part as the researcher stated them (lib/studies/state-volume-facts.ts); part of the run key */
  stated: z.object({ modality: z.string().nullable(), bodyPart: z.string().nullable() }).optional(),
});
export type TRunParams = z.infer<typeof ZRunParams>;

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  // a row that does not parse is a bug or a hand-edited database: say which row and field
  throw new Error(`${what}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
}

/** runs.params of a row read from the database */
export function parseRunParams(run: { id: string; params: unknown }): TRunParams {
  return parseOrThrow(ZRunParams, run.params, `run ${run.id} params`);
}

/** run_steps.checks of a row read from the database */
export function parseRunChecks(step: { name: string; checks: unknown }): TRunCheck[] {
  return parseOrThrow(ZRunChecks, step.checks, `step ${step.name} checks`);
}

/** run_steps.outputs of a row read from the database */
export function parseStepOutputs(step: { name: string; outputs: unknown }): TStepOutput[] {
  return parseOrThrow(ZStepOutputs, step.outputs, `step ${step.name} outputs`);
}
