import { DIFF_VALUES, type DiffClass } from '@/lib/metrics/mask-difference';

/**
 * Diff mode's colours (Okabe–Ito, distinct for colour-blind readers and on grey images), by the
 * values of the compare step's difference labelmap (lib/metrics/mask-difference.ts).
 */
export const DIFF_CLASSES: { cls: Exclude<DiffClass, 'none'>; value: number; label: string; color: [number, number, number] }[] = [
  { cls: 'agree', value: DIFF_VALUES.agree, label: 'Agreement', color: [0, 158, 115] },
  { cls: 'liveOnly', value: DIFF_VALUES.liveOnly, label: 'Live only', color: [230, 159, 0] },
  { cls: 'shadowOnly', value: DIFF_VALUES.shadowOnly, label: 'Shadow only', color: [86, 180, 233] },
  { cls: 'labelDiffers', value: DIFF_VALUES.labelDiffers, label: 'Both, different label', color: [204, 121, 167] },
];

/**
 * Agreement is drawn translucent over the image, disagreements opaque, so that the few voxels where
 * the masks differ stand out of the large region where they agree.
 */
export const DIFF_ALPHA: readonly number[] = Array.from({ length: 256 }, (_, v) => (v === DIFF_VALUES.agree ? 0.45 : 1));

/** Slices with at most this many differing voxels get a ring around each one (single voxels are hard to see). */
export const DIFF_RING_LIMIT = 400;

/** value → colour of the difference labelmap; value 0 (both background) is not drawn */
export const DIFF_LUT: ([number, number, number] | null)[] = Array.from({ length: 256 }, (_, v) => DIFF_CLASSES.find((c) => c.value === v)?.color ?? null);
