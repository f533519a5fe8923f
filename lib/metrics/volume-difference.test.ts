import { describe, expect, it } from 'vitest';
import type { Mat4 } from '@/lib/imaging/volume';
import { diagonalAffine } from './test-fixtures';
import { measureVolumeDifference, voxelVolumeMl } from './volume-difference';

describe('voxelVolumeMl', () => {
  it('is the product of the spacings for a diagonal affine, whatever the sign or origin', () => {
    expect(voxelVolumeMl(diagonalAffine([1, 1, 3], [10, -20, 5]))).toBeCloseTo(0.003, 15);
    expect(voxelVolumeMl(diagonalAffine([-0.5, 2, 1]))).toBeCloseTo(0.001, 15);
  });

  it('is unchanged by a rotation of the axes (oblique grid)', () => {
    const c = Math.cos(0.3);
    const s = Math.sin(0.3);
    const [sx, sy, sz] = [0.8, 1.2, 2.5];
    const oblique: Mat4 = [
      [c * sx, -s * sy, 0, 4],
      [s * sx, c * sy, 0, 5],
      [0, 0, sz, 6],
      [0, 0, 0, 1],
    ];
    expect(voxelVolumeMl(oblique)).toBeCloseTo((sx * sy * sz) / 1000, 15);
  });
});

describe('measureVolumeDifference', () => {
  it('gives ml, the signed difference shadow − live and the percentage of live', () => {
    expect(measureVolumeDifference(1000, 1500, 0.003)).toEqual({ liveMl: 3, shadowMl: 4.5, volumeDiffMl: 1.5, volumeDiffPct: 50 });
    const smaller = measureVolumeDifference(200, 150, 0.001);
    expect(smaller.volumeDiffMl).toBeCloseTo(-0.05, 12);
    expect(smaller.volumeDiffPct).toBe(-25);
  });

  it('gives 0 % when both are empty, null % when only live is, −100 % when only shadow is', () => {
    expect(measureVolumeDifference(0, 0, 0.001)).toEqual({ liveMl: 0, shadowMl: 0, volumeDiffMl: 0, volumeDiffPct: 0 });
    expect(measureVolumeDifference(0, 10, 0.001)).toMatchObject({ liveMl: 0, volumeDiffPct: null });
    expect(measureVolumeDifference(10, 0, 0.001)).toMatchObject({ shadowMl: 0, volumeDiffPct: -100 });
  });
});
