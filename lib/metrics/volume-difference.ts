/** Per-label volume of each mask in millilitres and how far the shadow's volume is from the live one's. */
import type { Mat4 } from '@/lib/imaging/volume';

export interface VolumeDifference {
  liveMl: number;
  shadowMl: number;
  /** signed: shadow − live, in ml (positive when the shadow model segments more) */
  volumeDiffMl: number;
  /**
   * signed: 100 × (shadow − live) / live, relative to the live (reference) volume.
   * 0 when both are empty; null when only the live mask is empty (undefined ratio).
   */
  volumeDiffPct: number | null;
}

/** Voxel volume in ml: |det| of the affine's 3x3 part (mm³) / 1000, right for oblique or sheared grids too. */
export function voxelVolumeMl(affine: Mat4): number {
  const a = affine;
  const det =
    a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
  return Math.abs(det) / 1000;
}

export function measureVolumeDifference(liveVoxels: number, shadowVoxels: number, voxelMl: number): VolumeDifference {
  const liveMl = liveVoxels * voxelMl;
  const shadowMl = shadowVoxels * voxelMl;
  // The percentage comes from voxel counts, so it does not carry the rounding of the ml values.
  const volumeDiffPct = liveVoxels === 0 ? (shadowVoxels === 0 ? 0 : null) : (100 * (shadowVoxels - liveVoxels)) / liveVoxels;
  return { liveMl, shadowMl, volumeDiffMl: (shadowVoxels - liveVoxels) * voxelMl, volumeDiffPct };
}
