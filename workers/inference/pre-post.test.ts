import { describe, expect, it } from 'vitest';
import { argmaxLabels } from './argmax-labels';
import { scaleIntensity } from './scale-intensity';

describe('scaleIntensity', () => {
  it('min-max maps to [0, 1] identically through the uint8 table and the direct loop', () => {
    const u8 = Uint8Array.from({ length: 1000 }, (_, i) => 10 + ((i * 37) % 200));
    const viaTable = scaleIntensity(u8, { method: 'min-max' });
    const direct = scaleIntensity(Float32Array.from(u8), { method: 'min-max' });
    expect(Buffer.from(viaTable.buffer).equals(Buffer.from(direct.buffer))).toBe(true);
    expect(Math.min(...viaTable)).toBe(0);
    expect(Math.max(...viaTable)).toBe(1);
    expect(viaTable[0]).toBeCloseTo(0, 6); // first value is 10, the minimum
  });

  it('percentile clip ignores outliers', () => {
    const data = new Int16Array(10000).map((_, i) => i % 100);
    data[0] = 30000; // one hot voxel
    const out = scaleIntensity(data, { method: 'percentile-clip', lower: 1, upper: 99 });
    expect(out[0]).toBe(1);
    expect(out[50]).toBeGreaterThan(0.45);
    expect(out[50]).toBeLessThan(0.55);
  });

  it('z-score gives mean 0 and sd 1, optionally over non-zero voxels only', () => {
    const data = Float32Array.from({ length: 4000 }, (_, i) => (i < 2000 ? 0 : 100 + (i % 20)));
    const all = scaleIntensity(data, { method: 'z-score', nonZeroOnly: false });
    expect(all.reduce((a, b) => a + b, 0) / all.length).toBeCloseTo(0, 4);
    const fg = scaleIntensity(data, { method: 'z-score', nonZeroOnly: true });
    expect(fg[0]).toBe(0);
    const vals = [...fg.subarray(2000)];
    expect(vals.reduce((a, b) => a + b, 0) / vals.length).toBeCloseTo(0, 4);
    expect(Math.sqrt(vals.reduce((a, b) => a + b * b, 0) / vals.length)).toBeCloseTo(1, 4);
  });
});

describe('argmaxLabels', () => {
  it('picks the largest channel per voxel, ties to the lower channel, for 3 and for 4 channels', () => {
    // channel-planar: [c0 v0..v3, c1 v0..v3, c2 v0..v3]
    const three = Float32Array.from([5, 0, 1, 2, /**/ 1, 3, 1, 2, /**/ 0, 2, 4, 2]);
    expect([...argmaxLabels(three, 3, 4)]).toEqual([0, 1, 2, 0]);
    const four = Float32Array.from([0, 9, /**/ 1, 0, /**/ -1, 0, /**/ 2, 9]);
    expect([...argmaxLabels(four, 4, 2)]).toEqual([3, 0]);
    expect(() => argmaxLabels(three, 3, 5)).toThrow(/expected 3 channels x 5 voxels/);
  });
});
