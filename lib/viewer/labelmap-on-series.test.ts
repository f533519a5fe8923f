import { describe, expect, it } from 'vitest';
import type { Mat4, Volume } from '../imaging/volume';
import { labelmapOnSeries, type SeriesGrid } from './labelmap-on-series';

// an axial series of 4 columns × 3 rows × 2 slices, 0.5 × 0.7 mm pixels, 2.5 mm apart, in LPS
const grid: SeriesGrid = { dims: [4, 3, 2], origin: [-10, 20, 30], di: [0.5, 0, 0], dj: [0, 0.7, 0], dk: [0, 0, 2.5] };
const seriesLabels = Uint8Array.from({ length: 24 }, (_, n) => (n % 5 === 0 ? 0 : (n % 3) + 1));

/** the labelmap as a converter writes it on the series' grid: RAS axes, voxels in the series' order */
function converted(): Volume {
  const affine: Mat4 = [
    [-0.5, 0, 0, 10],
    [0, -0.7, 0, -20],
    [0, 0, 2.5, 30],
    [0, 0, 0, 1],
  ];
  return { dims: [4, 3, 2], spacing: [0.5, 0.7, 2.5], affine, data: seriesLabels.slice() };
}

describe('labelmapOnSeries', () => {
  it('lands a labelmap made on the converted volume voxel for voxel', () => {
    const r = labelmapOnSeries(converted(), grid);
    expect([...r.voxels]).toEqual([...seriesLabels]);
    expect(r.landed).toBe(r.labelled);
  });

  it('follows the labelmap’s affine when its rows and slices run the other way', () => {
    const v = converted();
    // rows flipped (j → 2 − j) and slices flipped (k → 1 − k): the same anatomy, other voxel order
    const data = new Uint8Array(24);
    for (let k = 0; k < 2; k++) for (let j = 0; j < 3; j++) for (let i = 0; i < 4; i++) data[i + 4 * (2 - j + 3 * (1 - k))] = seriesLabels[i + 4 * (j + 3 * k)];
    const affine: Mat4 = [
      [-0.5, 0, 0, 10],
      [0, 0.7, 0, -20 - 1.4],
      [0, 0, -2.5, 32.5],
      [0, 0, 0, 1],
    ];
    const r = labelmapOnSeries({ ...v, affine, data }, grid);
    expect([...r.voxels]).toEqual([...seriesLabels]);
  });

  it('lands nothing of a labelmap somewhere else', () => {
    const v = converted();
    const far: Mat4 = [v.affine[0], v.affine[1], [0, 0, 2.5, 300], v.affine[3]];
    const r = labelmapOnSeries({ ...v, affine: far }, grid);
    expect(r.landed).toBe(0);
    expect(r.labelled).toBeGreaterThan(0);
    expect(r.voxels.every((x) => x === 0)).toBe(true);
  });
});
