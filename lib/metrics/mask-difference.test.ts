import { describe, expect, it } from 'vitest';
import { maskDifference, sliceAxisOf } from './mask-difference';
import { stepWorstSlice, worstSlices } from './worst-slices';
import { makeLabelmap } from './test-fixtures';

describe('sliceAxisOf', () => {
  it('takes slices across the voxel axis closest to the patient S–I axis', () => {
    // RAS: k is S–I
    expect(sliceAxisOf(makeLabelmap([2, 2, 2], [1, 1, 1], () => 0).affine)).toEqual({ axis: 2, orientation: 'axial' });
    // LIA (the brain-tissue model's grid): i → L, j → I, k → A; axial slices are across j
    const lia = [
      [-1, 0, 0, 128],
      [0, 0, 1, -128],
      [0, -1, 0, 128],
      [0, 0, 0, 1],
    ] as never;
    expect(sliceAxisOf(lia)).toEqual({ axis: 1, orientation: 'axial' });
  });
});

describe('maskDifference', () => {
  it('counts agreement, live-only, shadow-only and label-differs voxels per slice and per label', () => {
    const live = makeLabelmap(
      [3, 1, 2],
      [1, 1, 1],
      (x, _y, z) =>
        [
          [1, 1, 0],
          [2, 0, 1],
        ][z][x],
    );
    const shadow = makeLabelmap(
      [3, 1, 2],
      [1, 1, 1],
      (x, _y, z) =>
        [
          [1, 0, 2],
          [1, 0, 1],
        ][z][x],
    );
    const { diff, profile } = maskDifference(live, shadow, [
      { value: 1, name: 'a' },
      { value: 2, name: 'b' },
    ]);
    expect(Array.from(diff.data)).toEqual([1, 2, 3, 4, 0, 1]);
    expect(profile.total).toEqual([2, 1]);
    expect(profile.labels.map((l) => l.counts)).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(profile.voxels).toEqual({ agree: 2, liveOnly: 1, shadowOnly: 1, labelDiffers: 1 });
  });
});

describe('worst slices', () => {
  it('walks the slices from most to fewest differing voxels, skipping agreeing slices', () => {
    const order = worstSlices([0, 5, 2, 5, 0, 9]);
    expect(order).toEqual([5, 1, 3, 2]);
    expect(stepWorstSlice(order, 5, 1)).toBe(1);
    expect(stepWorstSlice(order, 1, -1)).toBe(5);
    expect(stepWorstSlice(order, 5, -1)).toBeNull();
    expect(stepWorstSlice(order, 2, 1)).toBeNull();
    // from an agreeing slice: next is the worst, previous the least bad
    expect(stepWorstSlice(order, 0, 1)).toBe(5);
    expect(stepWorstSlice(order, 4, -1)).toBe(2);
    expect(stepWorstSlice([], 0, 1)).toBeNull();
  });
});
