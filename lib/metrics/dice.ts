/**
 * Per-label Dice overlap of two labelmaps on the same grid. One pass over the voxels counts, for every
 * label value at once, the voxels each mask has and the voxels both share; Dice is then read per label.
 */

/** Voxel counts indexed by label value (0..255). */
export interface LabelOverlapCounts {
  live: Float64Array;
  shadow: Float64Array;
  /** voxels where both masks hold that label */
  both: Float64Array;
}

export function countLabelOverlap(live: Uint8Array, shadow: Uint8Array): LabelOverlapCounts {
  if (live.length !== shadow.length) throw new Error(`labelmaps differ in length: ${live.length} vs ${shadow.length} voxels`);
  // Float64 counters: exact to 2^53, and a 256³ volume has 2^24 voxels.
  const counts: LabelOverlapCounts = { live: new Float64Array(256), shadow: new Float64Array(256), both: new Float64Array(256) };
  const { live: nLive, shadow: nShadow, both } = counts;
  for (let i = 0; i < live.length; i++) {
    const a = live[i];
    const b = shadow[i];
    nLive[a]++;
    nShadow[b]++;
    if (a === b) both[a]++;
  }
  return counts;
}

/**
 * Dice = 2|A∩B| / (|A| + |B|) for one label value.
 * Conventions: both masks empty for the label → 1 (they agree perfectly that it is absent, as MONAI's
 * `ignore_empty=False` does); exactly one empty → 0.
 */
export function diceOfLabel(counts: LabelOverlapCounts, value: number): number {
  const total = counts.live[value] + counts.shadow[value];
  return total === 0 ? 1 : (2 * counts.both[value]) / total;
}

/** Dice per requested label value, in the order given (conventions as in `diceOfLabel`). */
export function computeDice(live: Uint8Array, shadow: Uint8Array, labels: readonly number[]): number[] {
  const counts = countLabelOverlap(live, shadow);
  return labels.map((value) => diceOfLabel(counts, value));
}
