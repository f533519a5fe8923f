/**
 * The volume of each label of a mask in millilitres: its voxel count times the volume of one voxel
 * (the product of the spacing, mm³), / 1000. Values not in `values` are not counted.
 */
export function labelVolumesMl(voxels: ArrayLike<number>, spacingMm: readonly number[], values: readonly number[]): Record<number, number> {
  // a count per byte value (a labelmap's labels are 1..255), one pass with no lookups: a 256³ mask
  // is 16 M voxels, counted while the viewer opens
  const counts = new Float64Array(256);
  let other: Map<number, number> | null = null;
  for (let i = 0; i < voxels.length; i++) {
    const v = voxels[i];
    if (v === 0) continue;
    if (v > 0 && v < 256 && v === Math.floor(v)) counts[v]++;
    else {
      other ??= new Map();
      other.set(v, (other.get(v) ?? 0) + 1);
    }
  }
  const voxelMl = (spacingMm[0] * spacingMm[1] * spacingMm[2]) / 1000;
  const countOf = (v: number) => (v > 0 && v < 256 && v === Math.floor(v) ? counts[v] : (other?.get(v) ?? 0));
  return Object.fromEntries([...new Set(values)].map((v) => [v, countOf(v) * voxelMl]));
}
