import { describe, expect, it } from 'vitest';
import { computeDice, countLabelOverlap, diceOfLabel } from './dice';
import { ball } from './test-fixtures';

describe('countLabelOverlap / diceOfLabel', () => {
  it('gives 1 for every label of identical masks', () => {
    const a = Uint8Array.from([0, 1, 1, 2, 3, 3, 3, 0]);
    expect(computeDice(a, a.slice(), [1, 2, 3])).toEqual([1, 1, 1]);
  });

  it('counts all labels in one pass (hand-checked example)', () => {
    const live = Uint8Array.from([1, 1, 1, 1, 0, 2, 2, 0, 0, 0]);
    const shadow = Uint8Array.from([0, 1, 1, 1, 1, 1, 1, 2, 0, 0]);
    const counts = countLabelOverlap(live, shadow);
    expect([counts.live[1], counts.shadow[1], counts.both[1]]).toEqual([4, 6, 3]);
    expect([counts.live[2], counts.shadow[2], counts.both[2]]).toEqual([2, 1, 0]);
    expect(diceOfLabel(counts, 1)).toBeCloseTo((2 * 3) / (4 + 6), 12);
    expect(diceOfLabel(counts, 2)).toBe(0);
  });

  it('matches 2|A∩B|/(|A|+|B|) from independent counts for two nested spheres', () => {
    const r = 9;
    const live = ball([30, 30, 30], [1, 1, 1], [15, 15, 15], r);
    const shadow = ball([30, 30, 30], [1, 1, 1], [15, 15, 15], r + 2);
    let a = 0;
    let b = 0;
    let both = 0;
    for (let z = 0; z < 30; z++)
      for (let y = 0; y < 30; y++)
        for (let x = 0; x < 30; x++) {
          const d = Math.hypot(x - 15, y - 15, z - 15);
          if (d <= r) a++;
          if (d <= r + 2) b++;
          if (d <= r && d <= r + 2) both++;
        }
    expect(both).toBe(a); // nested
    const [dice] = computeDice(live.data, shadow.data, [1]);
    expect(dice).toBeCloseTo((2 * both) / (a + b), 12);
    expect(dice).toBeGreaterThan(0.5);
    expect(dice).toBeLessThan(0.9);
  });

  it('is 1 when both masks lack the label, 0 when one does, 0 when disjoint', () => {
    const live = Uint8Array.from([1, 1, 0, 0, 0, 0]);
    const shadow = Uint8Array.from([0, 0, 0, 1, 1, 2]);
    expect(computeDice(live, shadow, [5, 2, 1])).toEqual([1, 0, 0]);
  });

  it('refuses labelmaps of different lengths', () => {
    expect(() => countLabelOverlap(new Uint8Array(4), new Uint8Array(5))).toThrow(/differ in length/);
  });
});
