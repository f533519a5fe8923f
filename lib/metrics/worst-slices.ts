/**
 * The slices in the order a reviewer walks them: most differing voxels first (ties: lower index
 * first); slices where the masks agree are left out.
 */
export function worstSlices(total: readonly number[]): number[] {
  return total
    .map((count, slice) => ({ count, slice }))
    .filter((s) => s.count > 0)
    .sort((p, q) => q.count - p.count || p.slice - q.slice)
    .map((s) => s.slice);
}

/**
 * "Next worst slice" (step +1) and "previous worst slice" (step −1) from `current`: the neighbour of
 * `current` in worstSlices() order; from a slice where the masks agree, next goes to the worst slice
 * and previous to the least bad one. Null when the masks agree everywhere or the walk is at its end.
 */
export function stepWorstSlice(order: readonly number[], current: number, step: 1 | -1): number | null {
  if (order.length === 0) return null;
  const at = order.indexOf(current);
  if (at < 0) return step === 1 ? order[0] : order[order.length - 1];
  return order[at + step] ?? null;
}
