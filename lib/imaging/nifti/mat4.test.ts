import { describe, expect, it } from 'vitest';
import type { Mat4 } from '../volume';
import { SAME_GRID_TOLERANCE, sameAffine } from './mat4';

const grid = (spacing: number, origin = -90): Mat4 => [
  [spacing, 0, 0, origin],
  [0, spacing, 0, origin],
  [0, 0, 2.5, -40],
  [0, 0, 0, 1],
];
const float32 = (m: Mat4): Mat4 => m.map((row) => row.map((x) => Math.fround(x))) as Mat4;

describe('sameAffine (one voxel grid?)', () => {
  it('accepts an affine as a NIfTI header stores it (float32 fields)', () => {
    const a = grid(0.703125, -179.6484375 + 1e-7);
    expect(sameAffine([512, 512, 120], a, float32(a))).toBe(true);
  });

  it('refuses a voxel size off by less than the tolerance per voxel once it adds up across the grid', () => {
    // 0.0008 mm per voxel: each entry within SAME_GRID_TOLERANCE, but 0.41 mm at the far column
    const a = grid(0.7);
    const b = grid(0.7008);
    expect(Math.abs(a[0][0] - b[0][0])).toBeLessThan(SAME_GRID_TOLERANCE);
    expect(sameAffine([512, 512, 120], a, b)).toBe(false);
    // on a grid of one column the same voxel size difference never moves a voxel
    expect(sameAffine([1, 1, 120], a, b)).toBe(true);
  });

  it('refuses a shift beyond the tolerance, and an affine with NaN in it', () => {
    expect(sameAffine([64, 64, 64], grid(1), grid(1, -90 + 2 * SAME_GRID_TOLERANCE))).toBe(false);
    expect(sameAffine([64, 64, 64], grid(1), grid(1, -90 + SAME_GRID_TOLERANCE / 2))).toBe(true);
    const broken = grid(1);
    broken[1][3] = Number.NaN;
    expect(sameAffine([64, 64, 64], grid(1), broken)).toBe(false);
  });
});
