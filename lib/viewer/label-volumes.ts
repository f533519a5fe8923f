/**
 * The volume of each label of a mask in millilitres: its voxel count times the volume of one voxel
 * (the product of the spacing, mm³), / 1000. Values not in `values` are not counted.
 */
export function labelVolumesMl(voxels: ArrayLike<number>, spacingMm: readonly number[], values: readonly number[]): Record<number, number> {
  const wanted = new Set(values);
  const counts = new Map<number, number>(values.map((v) => [v, 0]));
  for (let i = 0; i < voxels.length; i++) {
    const v = voxels[i];
    if (v !== 0 && wanted.has(v)) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  const voxelMl = (spacingMm[0] * spacingMm[1] * spacingMm[2]) / 1000;
  return Object.fromEntries([...counts].map(([v, n]) => [v, n * voxelMl]));
}
