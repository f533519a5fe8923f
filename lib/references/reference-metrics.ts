import { z } from 'zod';
import { ZMaskComparison } from '../metrics/compare-labelmaps';

/**
 * A run's serving mask against a reference, as reference_comparisons.metrics holds it: lib/metrics'
 * comparison with the reference as "live" and the model's mask as "shadow" (so volumeDiffMl is
 * model − reference), per model label matched by name, and the reference labels left unmatched.
 */
export const ZReferenceMetrics = ZMaskComparison.extend({ unmatched: z.array(z.string()) });
export type TReferenceMetrics = z.infer<typeof ZReferenceMetrics>;
