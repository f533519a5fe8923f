/**
 * What a model can segment, declared in its spec (`domain`, and per label `plausible`): the input it
 * was trained on, checked before inference (lib/models/check-input-domain.ts), and the outputs that
 * are anatomically plausible, checked after it (lib/models/check-output-plausibility.ts). A brain
 * model that "segments" a chest CT, or returns an empty mask for a real brain MR, is then refused or
 * flagged instead of succeeding silently.
 */
import { z } from 'zod';

const ZRange = z.object({ min: z.number().nonnegative(), max: z.number().positive() }).refine((r) => r.min <= r.max, { message: 'min must not be above max' });

export const ZInputDomain = z.object({
  /** in the user's words, for refusals: "T1-weighted MR of the head" */
  description: z.string().min(1),
  /** DICOM Modality codes (0008,0060) the model accepts, e.g. ["MR"] */
  modalities: z.array(z.string().regex(/^[A-Z0-9]{2,16}$/, 'a DICOM Modality code such as MR or CT')).min(1),
  /** DICOM BodyPartExamined values (0018,0015) it accepts, e.g. ["HEAD", "BRAIN"]; a series without one is not refused for it */
  bodyParts: z.array(z.string().regex(/^[A-Z0-9 _]{2,16}$/, 'a DICOM BodyPartExamined value such as HEAD')).min(1),
  /** the voxel size (mm) along every axis of the input, before conforming to the model grid */
  spacingMm: ZRange,
  /** the input's extent (mm) along every axis: a head is 100–300 mm in every direction */
  extentMm: ZRange,
  /**
   * the intensity profile: the largest fraction of voxels below zero. MR magnitude images have none;
   * CT in Hounsfield units has air at −1000 — this catches a CT given as NIfTI, which carries no modality.
   */
  intensity: z.object({ maxFractionBelowZero: z.number().min(0).max(1) }).optional(),
});
export type TInputDomain = z.infer<typeof ZInputDomain>;

/** A label's plausible output: its volume range (ml) and whether it may be absent. */
export const ZLabelPlausibility = z.object({
  volumeMl: ZRange.optional(),
  /** false: an empty label means the model failed on this input (default true) */
  mayBeEmpty: z.boolean().default(true),
});
export type TLabelPlausibility = z.infer<typeof ZLabelPlausibility>;
