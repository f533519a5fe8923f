import { describe, expect, it } from 'vitest';
import { autoWindow, CT_PRESETS, voiRange, voiWindow } from './window-presets';

describe('window presets', () => {
  it('turns a CT preset into the Hounsfield range it shows, and back', () => {
    const lung = CT_PRESETS.find((p) => p.id === 'lung')!;
    expect(voiRange(lung)).toEqual({ lower: -1350, upper: 150 });
    expect(voiWindow({ lower: -1350, upper: 150 })).toEqual({ width: 1500, center: -600 });
  });

  it('windows an MR from its histogram, ignoring the background and the brightest outliers', () => {
    const values = new Float32Array(100_000);
    // half background (0), the tissue spread over 100..300, a few very bright voxels
    for (let i = 50_000; i < 100_000; i++) values[i] = 100 + ((i * 7919) % 200);
    for (let i = 99_900; i < 100_000; i++) values[i] = 5_000;
    const w = autoWindow(values);
    const { lower, upper } = voiRange(w);
    expect(lower).toBeGreaterThanOrEqual(100);
    expect(lower).toBeLessThan(110);
    expect(upper).toBeGreaterThan(290);
    expect(upper).toBeLessThanOrEqual(300);
  });

  it('gives a usable window for a constant volume', () => {
    expect(autoWindow(new Float32Array(10))).toEqual({ width: 1, center: 0 });
  });
});
