import { describe, expect, it } from 'vitest';
import { labelTable } from './label-table';
import { displayColors, LABEL_PALETTE, standsOutOnGrey } from './label-palette';
import { colorLut } from '@/components/viewer/color-lut';
import { clampSlice, sliceForKey } from '@/components/viewer/slice-keys';

describe('labelTable', () => {
  it('lists the drawn labels of a model spec in value order, without background; a colour without contrast on grey comes from the palette', () => {
    const spec = {
      labels: [
        { value: 2, name: 'Grey Matter', color: [205, 62, 78] },
        { value: 0, name: 'background', color: [0, 0, 0] },
        { value: 1, name: 'White Matter', color: [255, 255, 255] },
      ],
    };
    expect(labelTable(spec)).toEqual([
      { value: 1, name: 'White Matter', color: [...LABEL_PALETTE[0]], modelColor: [255, 255, 255] },
      { value: 2, name: 'Grey Matter', color: [205, 62, 78], modelColor: [205, 62, 78] },
    ]);
  });
  it('never draws white, near-black or grey, and keeps replaced colours apart from the kept ones', () => {
    const colors = displayColors([
      [255, 255, 255],
      [10, 10, 10],
      [128, 128, 128],
      [31, 150, 250],
      [240, 240, 235],
    ]);
    for (const c of colors) expect(standsOutOnGrey(c), c.join(',')).toBe(true);
    expect(colors[3]).toEqual([31, 150, 250]);
    expect(new Set(colors.map((c) => c.join(','))).size).toBe(5);
    expect(colors.slice(0, 3)).not.toContainEqual(LABEL_PALETTE[0]); // too close to the kept blue
    for (const p of LABEL_PALETTE) expect(standsOutOnGrey(p), p.join(',')).toBe(true);
  });
  it('gives no labels for a spec without a valid label table', () => {
    expect(labelTable(undefined)).toEqual([]);
    expect(labelTable({ labels: [{ value: 1, name: 'x', color: [300, 0, 0] }] })).toEqual([]);
  });
});

describe('colorLut', () => {
  it('maps each voxel value to its label colour, background transparent, gaps visible grey', () => {
    expect(
      colorLut([
        { value: 1, name: 'a', color: [1, 2, 3] },
        { value: 3, name: 'c', color: [7, 8, 9] },
      ]),
    ).toEqual([
      [0, 0, 0, 0],
      [1, 2, 3, 255],
      [128, 128, 128, 255],
      [7, 8, 9, 255],
    ]);
  });
});

describe('slice keys', () => {
  it('moves by one, by a tenth, or to the ends, clamped to the volume', () => {
    expect(sliceForKey('ArrowUp', 5, 256)).toBe(6);
    expect(sliceForKey('ArrowLeft', 0, 256)).toBe(0);
    expect(sliceForKey('PageUp', 250, 256)).toBe(255);
    expect(sliceForKey('PageDown', 100, 256)).toBe(74);
    expect(sliceForKey('Home', 100, 256)).toBe(0);
    expect(sliceForKey('End', 100, 256)).toBe(255);
    expect(sliceForKey('a', 100, 256)).toBeNull();
    expect(clampSlice(-3, 10)).toBe(0);
    expect(clampSlice(4.6, 10)).toBe(5);
  });
});
