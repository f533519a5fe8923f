import { describe, expect, it } from 'vitest';
import { seededRandom } from '@/lib/util/seeded-random';
import { squaredDistanceTransform, type Vec3 } from './squared-distance-transform';

/** Squared distance from every voxel to its nearest feature by exhaustive search. */
function bruteForce(features: Vec3[], dims: Vec3, spacing: Vec3): Float64Array {
  const [nx, ny, nz] = dims;
  const out = new Float64Array(nx * ny * nz).fill(Infinity);
  let i = 0;
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, i++)
        for (const [u, v, w] of features) out[i] = Math.min(out[i], ((x - u) * spacing[0]) ** 2 + ((y - v) * spacing[1]) ** 2 + ((z - w) * spacing[2]) ** 2);
  return out;
}

function transformOf(features: Vec3[], dims: Vec3, spacing: Vec3): Float32Array {
  const grid = new Float32Array(dims[0] * dims[1] * dims[2]).fill(Infinity);
  for (const [x, y, z] of features) grid[x + dims[0] * (y + dims[1] * z)] = 0;
  squaredDistanceTransform(grid, dims, spacing);
  return grid;
}

function expectSame(actual: Float32Array, expected: Float64Array): void {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    if (expected[i] === Infinity) {
      expect(actual[i]).toBe(Infinity);
      continue;
    }
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(1, expected[i]));
  }
  expect(worst).toBeLessThan(1e-6); // float32 storage
}

describe('squaredDistanceTransform', () => {
  const dims: Vec3 = [11, 9, 7];
  const spacing: Vec3 = [0.7, 1.3, 2.1];

  it.each([
    [1, 0.002],
    [2, 0.02],
    [3, 0.2],
    [4, 0.7],
  ])('equals the brute-force EDT on an anisotropic grid (seed %i, feature density %f)', (seed, density) => {
    const random = seededRandom(seed);
    const features: Vec3[] = [];
    for (let z = 0; z < dims[2]; z++) for (let y = 0; y < dims[1]; y++) for (let x = 0; x < dims[0]; x++) if (random() < density) features.push([x, y, z]);
    if (features.length === 0) features.push([3, 4, 5]);
    expectSame(transformOf(features, dims, spacing), bruteForce(features, dims, spacing));
  });

  it('measures from a single corner feature with the per-axis spacing', () => {
    const grid = transformOf([[0, 0, 0]], dims, spacing);
    expect(grid[10 + 11 * (8 + 9 * 6)]).toBeCloseTo((10 * 0.7) ** 2 + (8 * 1.3) ** 2 + (6 * 2.1) ** 2, 3);
    expect(grid[0]).toBe(0);
  });

  it('leaves everything Infinity when there is no feature', () => {
    expect(transformOf([], dims, spacing).every((d) => d === Infinity)).toBe(true);
  });

  it.each([[[1, 1, 13]], [[13, 1, 1]], [[1, 13, 1]], [[5, 6, 1]]] as [Vec3][])('handles degenerate dims %j', (d) => {
    const features: Vec3[] = [
      [0, 0, 0],
      [d[0] - 1, d[1] - 1, d[2] - 1],
    ];
    expectSame(transformOf(features, d, spacing), bruteForce(features, d, spacing));
  });
});
