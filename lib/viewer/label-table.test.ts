import { describe, expect, it } from 'vitest';
import { labelTable } from './label-table';
import { colorLut } from '@/components/viewer/color-lut';
import { clampSlice, sliceForKey } from '@/components/viewer/slice-keys';

describe('labelTable', () => {
  it('lists the drawn labels of a model spec in value order, without background', () => {
    const spec = {
      labels: [
        { value: 2, name: 'Grey Matter', color: [205, 62, 78] },
        { value: 0, name: 'background', color: [0, 0, 0] },
        { value: 1, name: 'White Matter', color: [255, 255, 255] },
      ],
    };
    expect(labelTable(spec)).toEqual([
      { value: 1, name: 'White Matter', color: [255, 255, 255] },
      { value: 2, name: 'Grey Matter', color: [205, 62, 78] },
    ]);
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
