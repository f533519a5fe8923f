import { describe, expect, it } from 'vitest';
import type { Volume } from '@/lib/imaging/volume';
import { seededRandom } from '@/lib/util/seeded-random';
import type { Vec3 } from './squared-distance-transform';
import { measureSurfaceDistances, percentileLinear } from './surface-distance';
import { ball, bruteDirectedDistances, makeLabelmap, numpyPercentile, surfacePoints } from './test-fixtures';

/** HD95 and ASSD by exhaustive search over surface-voxel pairs, MONAI's definitions. */
function bruteSurfaceDistances(live: Volume<Uint8Array>, shadow: Volume<Uint8Array>, value: number) {
  const a = surfacePoints(live, value);
  const b = surfacePoints(shadow, value);
  const ab = bruteDirectedDistances(a, b, live.spacing);
  const ba = bruteDirectedDistances(b, a, live.spacing);
  const all = [...ab, ...ba];
  return {
    hd95Mm: Math.max(numpyPercentile(ab, 95), numpyPercentile(ba, 95)),
    assdMm: all.reduce((s, d) => s + d, 0) / all.length,
    surfaces: [a.length, b.length],
  };
}

function cube(dims: Vec3, spacing: Vec3, start: Vec3, size: number): Volume<Uint8Array> {
  const inside = (p: number, s: number) => p >= s && p < s + size;
  return makeLabelmap(dims, spacing, (x, y, z) => (inside(x, start[0]) && inside(y, start[1]) && inside(z, start[2]) ? 1 : 0));
}

describe('percentileLinear', () => {
  it('matches numpy.percentile (linear) on known values', () => {
    expect(percentileLinear(Float64Array.from([4, 1, 3, 2]), 95)).toBeCloseTo(3.85, 12); // np.percentile([1,2,3,4], 95)
    expect(percentileLinear(Float64Array.from([0, 10]), 95)).toBeCloseTo(9.5, 12);
    expect(percentileLinear(Float64Array.from([7]), 95)).toBe(7);
    expect(percentileLinear(Float64Array.from([5, 1, 9]), 100)).toBe(9);
    expect(percentileLinear(Float64Array.from([5, 1, 9]), 50)).toBe(5);
  });
});

describe('measureSurfaceDistances', () => {
  it('is 0 for identical masks', () => {
    const v = ball([20, 20, 20], [1, 1, 2], [10, 10, 20], 7);
    expect(measureSurfaceDistances(v, { ...v, data: v.data.slice() }, [1])).toEqual([{ hd95Mm: 0, assdMm: 0 }]);
  });

  it('finds HD95 ≈ d (within a voxel) between spheres of radius r and r + d', () => {
    const dims: Vec3 = [40, 40, 40];
    const live = ball(dims, [1, 1, 1], [20, 20, 20], 10);
    const shadow = ball(dims, [1, 1, 1], [20, 20, 20], 13);
    const [{ hd95Mm, assdMm }] = measureSurfaceDistances(live, shadow, [1]);
    expect(Math.abs(hd95Mm! - 3)).toBeLessThanOrEqual(1);
    expect(Math.abs(assdMm! - 3)).toBeLessThanOrEqual(1);
  });

  it('scales distances by the spacing of the axis a cube is shifted along', () => {
    const dims: Vec3 = [16, 16, 16];
    const k = 2;
    const shifted = (spacing: Vec3, axis: 0 | 2) => {
      const start: Vec3 = [4, 4, 4];
      start[axis] += k;
      return [cube(dims, spacing, [4, 4, 4], 8), cube(dims, spacing, start, 8)];
    };
    // The whole bottom face (a fifth of the surface) lies exactly k voxels from the other cube's surface,
    // and nothing lies farther, so the 95th percentile is exactly k × spacing along the shift.
    const [isoLive, isoShadow] = shifted([1, 1, 1], 2);
    const [zLive, zShadow] = shifted([1, 1, 3], 2);
    const [xLive, xShadow] = shifted([1, 1, 3], 0);
    expect(measureSurfaceDistances(isoLive, isoShadow, [1])[0].hd95Mm).toBeCloseTo(k, 5);
    expect(measureSurfaceDistances(zLive, zShadow, [1])[0].hd95Mm).toBeCloseTo(3 * k, 5);
    expect(measureSurfaceDistances(xLive, xShadow, [1])[0].hd95Mm).toBeCloseTo(k, 5);
    const [z] = measureSurfaceDistances(zLive, zShadow, [1]);
    expect(z.assdMm).toBeCloseTo(bruteSurfaceDistances(zLive, zShadow, 1).assdMm, 5);
  });

  it('equals brute-force surface distances on random noise (the EDT is exact)', () => {
    const dims: Vec3 = [12, 12, 12];
    const spacing: Vec3 = [0.9, 1.1, 2.5];
    for (const seed of [1, 2, 3]) {
      const random = seededRandom(seed);
      const noise = () => makeLabelmap(dims, spacing, () => (random() < 0.25 ? 1 : random() < 0.3 ? 2 : 0));
      const live = noise();
      const shadow = noise();
      const got = measureSurfaceDistances(live, shadow, [1, 2]);
      for (const [i, value] of [1, 2].entries()) {
        const want = bruteSurfaceDistances(live, shadow, value);
        expect(got[i].hd95Mm).toBeCloseTo(want.hd95Mm, 5);
        expect(got[i].assdMm).toBeCloseTo(want.assdMm, 5);
      }
    }
  });

  it('equals brute-force surface distances for random blobs with interiors, touching the volume edge', () => {
    const dims: Vec3 = [12, 12, 12];
    const spacing: Vec3 = [1.3, 0.8, 1.9];
    for (const seed of [4, 5, 6]) {
      const random = seededRandom(seed);
      const blobs = () => {
        const centres = Array.from({ length: 3 }, () => [random() * 12, random() * 12, random() * 12, 2 + random() * 4]);
        return makeLabelmap(dims, spacing, (x, y, z) => (centres.some(([cx, cy, cz, r]) => Math.hypot(x - cx, y - cy, z - cz) <= r) ? 1 : 0));
      };
      const live = blobs();
      const shadow = blobs();
      const want = bruteSurfaceDistances(live, shadow, 1);
      expect(want.surfaces[0]).toBeGreaterThan(0);
      expect(want.surfaces[1]).toBeGreaterThan(0);
      const [got] = measureSurfaceDistances(live, shadow, [1]);
      expect(got.hd95Mm).toBeCloseTo(want.hd95Mm, 5);
      expect(got.assdMm).toBeCloseTo(want.assdMm, 5);
    }
  });

  it('counts voxels on the volume edge as surface', () => {
    const dims: Vec3 = [6, 6, 6];
    const full = makeLabelmap(dims, [1, 1, 1], () => 1);
    const core = makeLabelmap(dims, [1, 1, 1], (x, y, z) => (Math.min(x, y, z) >= 1 && Math.max(x, y, z) <= 4 ? 1 : 0));
    // every voxel of `full` on the volume's faces is surface; the core's surface sits one voxel inside
    const want = bruteSurfaceDistances(full, core, 1);
    expect(want.surfaces[0]).toBe(6 ** 3 - 4 ** 3);
    const [got] = measureSurfaceDistances(full, core, [1]);
    expect(got.hd95Mm).toBeCloseTo(want.hd95Mm, 5);
    expect(got.assdMm).toBeCloseTo(want.assdMm, 5);
  });

  it('gives 0 for a label in neither mask, null for a label in one, and the gap for disjoint masks', () => {
    const dims: Vec3 = [10, 10, 10];
    const live = makeLabelmap(dims, [1, 1, 1], (x) => (x < 3 ? 1 : x === 9 ? 3 : 0));
    const shadow = makeLabelmap(dims, [1, 1, 1], (x) => (x >= 6 && x < 9 ? 1 : 0));
    const [disjoint, absent, onlyLive] = measureSurfaceDistances(live, shadow, [1, 2, 3]);
    // faces x = 2 and x = 6 are 4 mm apart; every surface voxel is at least that far
    expect(disjoint.hd95Mm).toBeGreaterThanOrEqual(4);
    expect(disjoint.hd95Mm).toBeCloseTo(bruteSurfaceDistances(live, shadow, 1).hd95Mm, 5);
    expect(absent).toEqual({ hd95Mm: 0, assdMm: 0 });
    expect(onlyLive).toEqual({ hd95Mm: null, assdMm: null });
    expect(measureSurfaceDistances(shadow, live, [3])).toEqual([{ hd95Mm: null, assdMm: null }]);
  });
});
