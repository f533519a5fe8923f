import { describe, expect, it } from 'vitest';
import { planeOrientation, planeSliceCount } from './plane-orientation';

/** The 24-instance tilted axial MR in fixtures/dicom/series/tcia-brain-tumor-progression-mr (ImageOrientationPatient of 1-01.dcm). */
const row = [0.99808053354361, 0.01024095353456, 0.06107676671215];
const col = [-1.68246e-11, 0.98623243279598, -0.1653650159536];
const normal = [row[1] * col[2] - row[2] * col[1], row[2] * col[0] - row[0] * col[2], row[0] * col[1] - row[1] * col[0]];
const mrDirection = [...row, ...col, ...normal];
const mrDimensions = [260, 320, 24];

describe('planeOrientation', () => {
  it('cuts a tilted axial MR along its own slices: 24 instances are 24 axial slices', () => {
    expect(planeSliceCount('axial', mrDirection, mrDimensions)).toBe(24);
    expect(planeSliceCount('sagittal', mrDirection, mrDimensions)).toBe(260);
    expect(planeSliceCount('coronal', mrDirection, mrDimensions)).toBe(320);
    const axial = planeOrientation('axial', mrDirection);
    expect(axial.sliceAxis).toBe(2);
    // looking from the feet as Cornerstone's axial does, tilted with the series (not the world's z)
    expect(axial.viewPlaneNormal[2]).toBeLessThan(-0.98);
    expect(Math.abs(axial.viewPlaneNormal[1])).toBeGreaterThan(0.1);
  });

  it('gives the world planes on an axis-aligned volume, whatever the order or sign of its axes', () => {
    // LIA (the brain model's grid): i → left, j → inferior, k → anterior
    const lia = [1, 0, 0, 0, 0, -1, 0, -1, 0];
    expect(planeOrientation('axial', lia)).toEqual({ viewPlaneNormal: [0, 0, -1], viewUp: [0, -1, 0], sliceAxis: 1 });
    expect(planeOrientation('sagittal', lia)).toEqual({ viewPlaneNormal: [1, 0, 0], viewUp: [0, 0, 1], sliceAxis: 0 });
    expect(planeOrientation('coronal', lia)).toEqual({ viewPlaneNormal: [0, -1, 0], viewUp: [0, 0, 1], sliceAxis: 2 });
    expect(planeSliceCount('axial', lia, [256, 200, 180])).toBe(200);
  });
});
