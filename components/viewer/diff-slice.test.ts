import { describe, expect, it } from 'vitest';
import { pixelsWith, renderSlice, slicePlane } from './diff-slice';

describe('slicePlane', () => {
  it('shows an axial slice of an LIA grid with the patient right on the left and anterior up', () => {
    // i → L, j → I, k → A (the brain-tissue model's grid); 3 × 2 × 2, slices across j
    const lia = [
      [-1, 0, 0, 0],
      [0, 0, 1, 0],
      [0, -1, 0, 0],
      [0, 0, 0, 1],
    ] as never;
    const plane = slicePlane([3, 2, 2], lia, 1);
    expect([plane.width, plane.height]).toEqual([3, 2]);
    // top-left pixel: leftmost on screen = patient right = lowest i (i grows to the left); top = most anterior = highest k
    expect(plane.voxel(0, 0, 0)).toBe(0 + 3 * 0 + 6 * 1);
    expect(plane.voxel(1, 2, 1)).toBe(2 + 3 * 1 + 6 * 0);
  });

  it('flips columns of an RAS grid (x grows toward the patient right)', () => {
    const ras = [
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
    ] as never;
    const plane = slicePlane([2, 2, 1], ras, 2);
    // top-left: highest x (patient right), highest y (anterior)
    expect(plane.voxel(0, 0, 0)).toBe(1 + 2 * 1);
  });
});

describe('renderSlice', () => {
  it('draws grey, and labels in their colour at their own opacity', () => {
    const ras = [
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
    ] as never;
    const plane = slicePlane([2, 1, 1], ras, 2);
    const px = renderSlice({
      plane,
      slice: 0,
      volume: [100, 160],
      window: { low: 0, high: 200 },
      labels: [1, 2],
      lut: [null, [255, 0, 0], [0, 0, 255]],
      alpha: 1,
      alphas: [1, 1, 0.25],
    });
    // column 0 is x = 1 (flipped): label 2 at 25 % over grey 204; column 1 is x = 0: label 1 opaque
    expect(Array.from(px)).toEqual([153, 153, 217, 255, 255, 0, 0, 255]);
    expect(pixelsWith(plane, 0, [1, 2], new Set([2]), 10)).toEqual([[0, 0, 2]]);
    expect(pixelsWith(plane, 0, [1, 2], new Set([1, 2]), 1)).toBeNull();
  });
});
