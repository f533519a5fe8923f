/**
 * The input spec a model version carries beside its ONNX file (`models/<model>/<version>/spec.json`).
 * It says how a volume becomes the model's input tensor and how the output tensor becomes a
 * labelmap, so the worker needs no model-specific code.
 */
import { firstIssue, plainIssueMessage } from '../util/input-issues';
import { z } from 'zod';
import { AppError } from '@/lib/errors';
import { ZInputDomain, ZLabelPlausibility } from './input-domain';

const ZDim = z.union([z.number().int().positive(), z.string().min(1)]);
const ZVec3Int = z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]);
const ZVec3Pos = z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]);

export const ZTensorSpec = z.object({
  name: z.string().min(1),
  /** e.g. ["batch_size", 1, 256, 256, 256]: strings are symbolic dims; NC + 3 spatial dims */
  shape: z.array(ZDim).length(5),
  dtype: z.literal('float32'),
});

export const ZModelSpec = z
  .object({
    schemaVersion: z.literal(1),
    name: z.string().min(1),
    version: z.string().min(1),
    description: z.string().optional(),
    input: ZTensorSpec,
    /** the output holds one logit (or probability) channel per label; the labelmap is their argmax */
    output: ZTensorSpec,
    /** the grid the model sees: volumes are conformed to it first (FreeSurfer-style, 256³ 1 mm LIA) */
    grid: z.object({
      dims: ZVec3Int,
      spacing: ZVec3Pos,
      orientation: z.literal('LIA'),
    }),
    /**
     * true when every layer is a convolution (no dense layer, no fixed-size reshape): the model then
     * accepts any spatial size, which sliding-window inference and the tiny validation run rely on.
     */
    fullyConvolutional: z.boolean(),
    inference: z.discriminatedUnion('mode', [
      z.object({ mode: z.literal('whole') }),
      z.object({
        mode: z.literal('sliding-window'),
        patch: ZVec3Int,
        /** fraction of the patch shared with its neighbour along each axis */
        overlap: z.number().min(0).max(0.9),
        blending: z.enum(['gaussian', 'linear', 'constant']),
      }),
    ]),
    intensity: z.discriminatedUnion('method', [
      z.object({ method: z.literal('min-max') }),
      z.object({
        method: z.literal('percentile-clip'),
        lower: z.number().min(0).max(100),
        upper: z.number().min(0).max(100),
      }),
      z.object({ method: z.literal('z-score'), nonZeroOnly: z.boolean().default(false) }),
    ]),
    /**
     * registration's parity check (lib/models/check-parity.ts): every label of every reference mask
     * must be reproduced with at least this Dice (default 0.999)
     */
    parity: z.object({ minDice: z.number().min(0).max(1) }).optional(),
    /** what the model can segment (lib/models/input-domain.ts); without it, runs say the domain was not checked */
    domain: ZInputDomain.optional(),
    labels: z
      .array(
        z.object({
          value: z.number().int().min(0).max(255),
          name: z.string().min(1),
          color: z.tuple([z.number().int().min(0).max(255), z.number().int().min(0).max(255), z.number().int().min(0).max(255)]),
          /** the plausible output for this label (lib/models/input-domain.ts): outside it, the run carries a warning */
          plausible: ZLabelPlausibility.optional(),
        }),
      )
      .min(2),
  })
  .superRefine((spec, ctx) => {
    const channels = spec.output.shape[1];
    if (typeof channels === 'number' && channels !== spec.labels.length) {
      ctx.addIssue({ code: 'custom', path: ['labels'], message: `output has ${channels} channels but ${spec.labels.length} labels are listed` });
    }
    spec.labels.forEach((l, i) => {
      if (l.value !== i)
        ctx.addIssue({ code: 'custom', path: ['labels', i, 'value'], message: `label values must be 0..n-1 in channel order; got ${l.value} at ${i}` });
    });
    if (spec.input.shape[1] !== 1) ctx.addIssue({ code: 'custom', path: ['input', 'shape', 1], message: 'only single-channel input is supported' });
    if (spec.intensity.method === 'percentile-clip' && spec.intensity.lower >= spec.intensity.upper) {
      ctx.addIssue({ code: 'custom', path: ['intensity'], message: 'lower percentile must be below upper' });
    }
    if (spec.inference.mode === 'sliding-window' && !spec.fullyConvolutional) {
      ctx.addIssue({ code: 'custom', path: ['inference'], message: 'sliding-window inference needs a fully convolutional model' });
    }
  });

export type TModelSpec = z.infer<typeof ZModelSpec>;
export type TSlidingWindow = Extract<TModelSpec['inference'], { mode: 'sliding-window' }>;

/** Parses spec JSON (text or object); `where` names the file in the error. */
export function parseModelSpec(input: string | unknown, where = 'spec.json'): TModelSpec {
  let raw: unknown = input;
  if (typeof input === 'string') {
    try {
      raw = JSON.parse(input);
    } catch (err) {
      throw new AppError('invalid_input', `${where}: not valid JSON (${(err as Error).message})`, { file: where });
    }
  }
  const parsed = ZModelSpec.safeParse(raw, { error: plainIssueMessage });
  if (!parsed.success) {
    const { field, message, count } = firstIssue(parsed.error, '(root)');
    throw new AppError('invalid_input', `${where}: ${field}: ${message}`, { file: where, field, issues: count });
  }
  return parsed.data;
}
