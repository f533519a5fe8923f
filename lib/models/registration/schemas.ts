/**
 * What a client sends to register a model version through the API, and what it gets back (shared by
 * the browser form and the CLI: no Node imports).
 */
import { z } from 'zod';

/** a spec is a small JSON file; models and reference volumes are read back whole by the validator */
export const REGISTRATION_LIMITS = { specBytes: 1024 * 1024, onnxBytes: 512 * 1024 * 1024, referenceBytes: 512 * 1024 * 1024, pairs: 8 } as const;

export const ZDeclaredFile = z.object({
  name: z.string().trim().min(1).max(255),
  size: z.number().int().positive('the file is empty'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256'),
});
export type TDeclaredFile = z.infer<typeof ZDeclaredFile>;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const nameOf = (what: string) =>
  z
    .string()
    .regex(NAME, `a ${what} is 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit`)
    .refine((s) => !s.includes('..'), `a ${what} has no '..'`);

const sized = (max: number, what: string) => ZDeclaredFile.refine((f) => f.size <= max, `${what} is larger than ${max / 1024 / 1024} MiB`);

export const ZStageRegistration = z.object({
  model: nameOf('model name'),
  version: nameOf('version'),
  /** the project whose operators register it (model:register is checked there); none: any project where the caller has it */
  project: z.string().min(1).max(128).optional(),
  onnx: sized(REGISTRATION_LIMITS.onnxBytes, 'the model'),
  spec: sized(REGISTRATION_LIMITS.specBytes, 'the spec'),
  references: z
    .array(
      z.object({ input: sized(REGISTRATION_LIMITS.referenceBytes, 'a reference input'), mask: sized(REGISTRATION_LIMITS.referenceBytes, 'a reference mask') }),
    )
    .max(REGISTRATION_LIMITS.pairs)
    .default([]),
});
export type TStageRegistration = z.infer<typeof ZStageRegistration>;

export const ZCompleteRegistration = z.object({ model: nameOf('model name'), version: nameOf('version'), registration: z.uuid() });
export type TCompleteRegistration = z.infer<typeof ZCompleteRegistration>;

export interface StagedFileDto {
  role: 'onnx' | 'spec' | 'reference-input' | 'reference-mask';
  pair?: number;
  name: string;
  size: number;
  /** a presigned PUT straight to the store: send exactly these headers and `size` bytes */
  upload: { url: string; method: 'PUT'; headers: Record<string, string>; expiresAt: string };
}

export interface StagedRegistrationDto {
  id: string;
  model: string;
  version: string;
  expiresAt: string;
  files: StagedFileDto[];
  /** where to POST { registration: id } once every file is sent */
  complete: string;
}

export interface ParityResultDto {
  name: string;
  dice: Record<string, number>;
  differingVoxels: number;
  voxels: number;
  passed: boolean;
}
export interface ParityDto {
  minDice: number;
  passed: boolean;
  references: ParityResultDto[];
}

/** the answer of completion: 200 accepted (created or the same bytes again), 422 refused */
export type RegistrationOutcomeDto =
  | {
      status: 'accepted';
      created: boolean;
      version: { id: string; model: string; version: string; sha256: string; status: string; evidence: Record<string, unknown> | null };
    }
  | { status: 'refused'; reasons: { file: string | null; field: string | null; message: string }[]; parity: ParityDto | null };
