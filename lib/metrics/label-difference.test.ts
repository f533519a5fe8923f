import { describe, expect, it } from 'vitest';
import { labelDifference } from './label-difference';
import { DIFF_VALUES, maskDifference } from './mask-difference';
import { makeLabelmap } from './test-fixtures';

describe('labelDifference', () => {
  it('marks agreement, live only and shadow only for one label; another label in the other mask counts as only', () => {
    const live = new Uint8Array([1, 1, 0, 2, 1, 2]);
    const shadow = new Uint8Array([1, 0, 1, 1, 2, 2]);
    const one = labelDifference(live, shadow, 1);
    const { agree, liveOnly, shadowOnly } = DIFF_VALUES;
    expect([...one.diff]).toEqual([agree, liveOnly, shadowOnly, shadowOnly, liveOnly, 0]);
    expect(one.voxels).toEqual({ agree: 1, liveOnly: 2, shadowOnly: 2 });
    expect(labelDifference(live, shadow, 2).voxels).toEqual({ agree: 1, liveOnly: 1, shadowOnly: 1 });
    expect(() => labelDifference(live, shadow.subarray(1), 1)).toThrow('not on one grid');
  });

  it("per slice, live only + shadow only equal the stored profile's counts for the label", () => {
    const dims: [number, number, number] = [7, 5, 6];
    const pick = (x: number, y: number, z: number, k: number) => ((x * 3 + y * 5 + z * 7 + k) % 4 === 0 ? 1 : (x + y * k + z) % 5 === 0 ? 2 : 0);
    const live = makeLabelmap(dims, [1, 1, 1], (x, y, z) => pick(x, y, z, 1));
    const shadow = makeLabelmap(dims, [1, 1, 1], (x, y, z) => pick(x, y, z, 2));
    const labels = [
      { value: 1, name: 'White Matter' },
      { value: 2, name: 'Grey Matter' },
    ];
    const { profile } = maskDifference(live, shadow, labels);
    for (const l of profile.labels) {
      const { diff } = labelDifference(live.data, shadow.data, l.value);
      const perSlice = new Array<number>(profile.slices).fill(0);
      let n = 0;
      for (let z = 0; z < dims[2]; z++)
        for (let y = 0; y < dims[1]; y++)
          for (let x = 0; x < dims[0]; x++, n++)
            if (diff[n] === DIFF_VALUES.liveOnly || diff[n] === DIFF_VALUES.shadowOnly) perSlice[[x, y, z][profile.axis]]++;
      expect(perSlice).toEqual(l.counts);
      expect(perSlice.some((c) => c > 0)).toBe(true);
    }
  });
});
