/** Per-label volumes in millilitres of a labelmap, from voxel counts and the affine's voxel volume. */
import type { Volume } from '@/lib/imaging/volume';

export function measureLabelVolumesMl(labelmap: Volume<Uint8Array>, labels: { value: number; name: string }[]): Record<string, number> {
  const counts = new Float64Array(256);
  const data = labelmap.data;
  for (let i = 0; i < data.length; i++) counts[data[i]]++;
  const a = labelmap.affine;
  // |det| of the 3x3 part: voxel volume in mm³ even for oblique or sheared grids
  const det =
    a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
  const voxelMl = Math.abs(det) / 1000;
  const out: Record<string, number> = {};
  for (const l of labels) out[l.name] = Math.round(counts[l.value] * voxelMl * 1000) / 1000;
  return out;
}
