import { describe, expect, it } from 'vitest';
import { isAppError } from '@/lib/errors';
import type { Volume } from '@/lib/imaging/volume';
import { compareLabelmaps, ZMaskComparison } from './compare-labelmaps';
import type { Vec3 } from './squared-distance-transform';
import { ball, diagonalAffine, makeLabelmap } from './test-fixtures';

const LABELS = [
  { value: 1, name: 'ventricles' },
  { value: 2, name: 'white-matter' },
  { value: 3, name: 'grey-matter' },
];

function threeLabels(dims: Vec3, spacing: Vec3): Volume<Uint8Array> {
  return makeLabelmap(dims, spacing, (x, y, z) => (x < 4 ? 0 : x < 8 ? 1 : y < 10 ? 2 : z < 5 ? 3 : 0));
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

describe('compareLabelmaps', () => {
  it('reports perfect agreement for identical masks, and its result survives the schema and JSON', () => {
    const live = threeLabels([16, 16, 8], [1, 1, 3]);
    const result = compareLabelmaps(live, { ...live, data: live.data.slice() }, LABELS);
    expect(result.meanDice).toBe(1);
    for (const row of result.labels) {
      expect(row).toMatchObject({ dice: 1, hd95Mm: 0, assdMm: 0, volumeDiffMl: 0, volumeDiffPct: 0 });
      expect(row.liveMl).toBeGreaterThan(0);
      expect(row.shadowMl).toBe(row.liveMl);
    }
    expect(result.labels.map((r) => r.name)).toEqual(LABELS.map((l) => l.name));
    expect(ZMaskComparison.parse(JSON.parse(JSON.stringify(result)))).toEqual(result);
  });

  it('measures spheres of radius r and r + d: volumes ≈ 4/3πr³, HD95 ≈ d, Dice from the counts', () => {
    const [r, d] = [12, 3];
    const spacing: Vec3 = [1, 1, 1];
    const live = ball([40, 40, 40], spacing, [20, 20, 20], r);
    const shadow = ball([40, 40, 40], spacing, [20, 20, 20], r + d);
    const result = compareLabelmaps(live, shadow, [{ value: 1, name: 'ball' }]);
    const [row] = result.labels;
    const sphereMl = (radius: number) => ((4 / 3) * Math.PI * radius ** 3) / 1000;
    expect(Math.abs(row.liveMl / sphereMl(r) - 1)).toBeLessThan(0.03);
    expect(Math.abs(row.shadowMl / sphereMl(r + d) - 1)).toBeLessThan(0.03);
    expect(row.volumeDiffMl).toBeCloseTo(row.shadowMl - row.liveMl, 9);
    expect(row.volumeDiffPct).toBeCloseTo((100 * (row.shadowMl - row.liveMl)) / row.liveMl, 6);
    // nested spheres: |A∩B| = |A|
    const count = (v: Volume<Uint8Array>) => v.data.reduce((n, x) => n + x, 0);
    expect(row.dice).toBeCloseTo((2 * count(live)) / (count(live) + count(shadow)), 12);
    expect(Math.abs(row.hd95Mm! - d)).toBeLessThanOrEqual(1);
    expect(Math.abs(row.assdMm! - d)).toBeLessThanOrEqual(1);
    expect(result.meanDice).toBe(row.dice);
  });

  it('uses the voxel volume of the grid for ml', () => {
    const a = makeLabelmap([4, 4, 4], [0.5, 0.5, 2], (x) => (x < 2 ? 1 : 0)); // 32 voxels of 0.5 mm³
    const [row] = compareLabelmaps(a, a, [{ value: 1, name: 'half' }]).labels;
    expect(row.liveMl).toBeCloseTo(0.016, 12);
  });

  it('applies the empty-label conventions: neither → Dice 1 / 0 mm, one → Dice 0 / null', () => {
    const dims: Vec3 = [10, 10, 10];
    const live = makeLabelmap(dims, [1, 1, 1], (x) => (x < 3 ? 1 : x > 7 ? 3 : 0));
    const shadow = makeLabelmap(dims, [1, 1, 1], (x) => (x < 3 ? 1 : x === 5 ? 4 : 0));
    const result = compareLabelmaps(live, shadow, [
      { value: 2, name: 'absent' },
      { value: 3, name: 'live-only' },
      { value: 4, name: 'shadow-only' },
    ]);
    const [absent, liveOnly, shadowOnly] = result.labels;
    expect(absent).toMatchObject({ dice: 1, hd95Mm: 0, assdMm: 0, liveMl: 0, shadowMl: 0, volumeDiffMl: 0, volumeDiffPct: 0 });
    expect(liveOnly).toMatchObject({ dice: 0, hd95Mm: null, assdMm: null, shadowMl: 0, volumeDiffPct: -100 });
    expect(liveOnly.volumeDiffMl).toBeCloseTo(-0.2, 12);
    expect(shadowOnly).toMatchObject({ dice: 0, hd95Mm: null, assdMm: null, liveMl: 0, volumeDiffPct: null });
    expect(result.meanDice).toBeCloseTo(1 / 3, 12);
    expect(() => ZMaskComparison.parse(result)).not.toThrow();
  });

  it('gives Dice 0 and a finite distance for disjoint masks', () => {
    const live = makeLabelmap([10, 10, 10], [1, 1, 1], (x) => (x < 3 ? 1 : 0));
    const shadow = makeLabelmap([10, 10, 10], [1, 1, 1], (x) => (x > 6 ? 1 : 0));
    const [row] = compareLabelmaps(live, shadow, [{ value: 1, name: 'slab' }]).labels;
    expect(row.dice).toBe(0);
    expect(row.hd95Mm).toBeGreaterThanOrEqual(5);
    expect(Number.isFinite(row.hd95Mm)).toBe(true);
  });

  it('refuses masks on different grids, naming what differs', () => {
    const live = threeLabels([16, 16, 8], [1, 1, 3]);
    const dims = errorOf(() => compareLabelmaps(live, threeLabels([16, 16, 9], [1, 1, 3]), LABELS));
    expect(isAppError(dims) && dims.code).toBe('invalid_input');
    expect(dims.message).toMatch(/dims differ \(live 16×16×8, shadow 16×16×9\)/);

    const spacing = errorOf(() => compareLabelmaps(live, threeLabels([16, 16, 8], [1, 1, 2.5]), LABELS));
    expect(spacing.message).toMatch(/spacing differs/);
    expect(spacing.message).toMatch(/affine differs/);

    const moved = { ...live, affine: diagonalAffine([1, 1, 3], [0, 0.01, 0]) };
    const affine = errorOf(() => compareLabelmaps(live, moved, LABELS));
    expect(affine.message).toMatch(/affine differs/);
    expect(affine.message).not.toMatch(/spacing|dims/);

    const truncated = { ...live, data: live.data.subarray(1) };
    expect(errorOf(() => compareLabelmaps(live, truncated, LABELS)).message).toMatch(/shadow data has 2047 voxels/);
  });

  it('accepts grids that differ by float32 rounding (less than 1e-4)', () => {
    const live = threeLabels([16, 16, 8], [1, 1, 3]);
    const nudged = { ...live, spacing: [1, 1, 3.00005] as Vec3, affine: diagonalAffine([1, 1, 3.00005], [0, 5e-5, 0]) };
    expect(compareLabelmaps(live, nudged, LABELS).meanDice).toBe(1);
  });

  it('refuses an empty or out-of-range label list', () => {
    const live = threeLabels([8, 8, 8], [1, 1, 1]);
    expect(() => compareLabelmaps(live, live, [])).toThrow(/no labels/);
    expect(() => compareLabelmaps(live, live, [{ value: 256, name: 'big' }])).toThrow(/value 256/);
  });
});
