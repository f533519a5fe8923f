import { describe, expect, it } from 'vitest';
import { canaryGateChecks, shadowGateChecks, type ShadowCases } from './gate-checks';
import { DEFAULT_GATE_POLICY, gatePolicy, nextStage } from './gate-policy';
import { mean, quantile } from './quantile';

const policy = DEFAULT_GATE_POLICY;
const byName = (checks: ReturnType<typeof shadowGateChecks>, name: string, label?: string) => checks.find((c) => c.name === name && c.label === label)!;

function shadowCases(dice: number[], extra: Partial<ShadowCases> = {}): ShadowCases {
  return {
    comparisons: dice.map((d, i) => ({ runId: `r${i}`, labels: [{ name: 'Grey Matter', dice: d }] })),
    shadowRan: dice.length,
    shadowFailed: 0,
    shadowLatencyMs: dice.map(() => 1100),
    servingLatencyMs: dice.map(() => 1000),
    ...extra,
  };
}

describe('quantile', () => {
  it('interpolates between order statistics (type 7)', () => {
    expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantile([5, 1, 4, 2, 3], 0.1)).toBeCloseTo(1.4);
    expect(quantile([7], 0.95)).toBe(7);
    expect(quantile([], 0.5)).toBeNull();
    expect(mean([1, 2, 3])).toBe(2);
  });
});

describe('shadow gate checks', () => {
  it('passes a shadow that agrees with the serving model on enough cases', () => {
    const checks = shadowGateChecks(shadowCases(Array.from({ length: 20 }, () => 0.97)), policy.shadow);
    expect(checks.every((c) => c.passed)).toBe(true);
    expect(checks.map((c) => c.name)).toEqual([
      'compared-cases',
      'dice-p10',
      'dice-median',
      'shadow-failure-rate',
      'shadow-latency-p95-ratio',
      'reviewers-live-better-share',
    ]);
  });

  it("weighs reviewers' verdicts: too many 'live better' fails, and reviews can be required", () => {
    const dice = Array.from({ length: 20 }, () => 0.97);
    const split = shadowGateChecks(shadowCases(dice, { reviews: { reviewedCases: 8, verdicts: 10, liveBetter: 4 } }), policy.shadow);
    expect(byName(split, 'reviewers-live-better-share')).toMatchObject({
      passed: false,
      value: 0.4,
      detail: '4/10 verdicts say the live mask is better (8 cases reviewed)',
    });
    const fine = shadowGateChecks(shadowCases(dice, { reviews: { reviewedCases: 10, verdicts: 10, liveBetter: 1 } }), policy.shadow);
    expect(byName(fine, 'reviewers-live-better-share').passed).toBe(true);
    const required = { ...policy.shadow, minReviewedCases: 5 };
    const few = shadowGateChecks(shadowCases(dice, { reviews: { reviewedCases: 3, verdicts: 3, liveBetter: 0 } }), required);
    expect(byName(few, 'reviewed-cases')).toMatchObject({ passed: false, detail: 'not enough cases yet: 3/5 reviewed cases' });
    const none = shadowGateChecks(shadowCases(dice), required);
    expect(byName(none, 'reviewers-live-better-share')).toMatchObject({ passed: false, value: null });
  });

  it('names the count when there are too few compared cases', () => {
    const c = byName(shadowGateChecks(shadowCases([0.97, 0.98, 0.99]), policy.shadow), 'compared-cases');
    expect(c).toMatchObject({ passed: false, value: 3, threshold: 20 });
    expect(c.detail).toContain('not enough cases yet: 3/20');
  });

  it('fails on a tail of bad cases although the mean is fine', () => {
    // 17 near-perfect cases, 3 bad ones: mean 0.907 ≥ the median threshold, 10th percentile 0.5
    const dice = [...Array.from({ length: 17 }, () => 0.98), 0.5, 0.5, 0.5];
    expect(mean(dice)!).toBeGreaterThan(policy.shadow.diceMedianMin);
    const checks = shadowGateChecks(shadowCases(dice), policy.shadow);
    expect(byName(checks, 'dice-p10', 'Grey Matter')).toMatchObject({ passed: false, value: 0.5 });
    expect(byName(checks, 'dice-p10', 'Grey Matter').detail).toContain('3 below 0.8');
    expect(byName(checks, 'dice-median', 'Grey Matter').passed).toBe(true);
  });

  it('fails on the shadow failure rate and on latency', () => {
    const dice = Array.from({ length: 20 }, () => 0.97);
    const failing = shadowGateChecks(shadowCases(dice, { shadowRan: 22, shadowFailed: 2 }), policy.shadow);
    expect(byName(failing, 'shadow-failure-rate')).toMatchObject({ passed: false, value: 2 / 22, detail: '2/22 shadow inferences failed' });
    const slow = shadowGateChecks(shadowCases(dice, { shadowLatencyMs: dice.map((_, i) => (i === 19 ? 9000 : 1600)) }), policy.shadow);
    const latency = byName(slow, 'shadow-latency-p95-ratio');
    expect(latency.passed).toBe(false);
    expect(latency.value!).toBeGreaterThan(1.5);
    expect(latency.detail).toMatch(/p95 shadow .* s vs serving 1\.0 s/);
  });

  it('does not pass what it cannot measure', () => {
    const checks = shadowGateChecks({ comparisons: [], shadowRan: 0, shadowFailed: 0, shadowLatencyMs: [], servingLatencyMs: [] }, policy.shadow);
    expect(checks.filter((c) => c.name !== 'reviewers-live-better-share').every((c) => !c.passed)).toBe(true);
    // reviews are not required by default: none is not a failure
    expect(byName(checks, 'reviewers-live-better-share')).toMatchObject({ passed: true, value: null, detail: 'no reviewer verdicts yet' });
    expect(byName(checks, 'shadow-latency-p95-ratio').value).toBeNull();
  });
});

describe('canary gate checks', () => {
  it('counts canary runs, failures and latency against live', () => {
    const ok = canaryGateChecks({ canaryRan: 20, canaryFailed: 1, canaryLatencyMs: Array(20).fill(1200), liveLatencyMs: Array(30).fill(1000) }, policy.canary);
    expect(ok.every((c) => c.passed)).toBe(true);
    const bad = canaryGateChecks({ canaryRan: 5, canaryFailed: 2, canaryLatencyMs: Array(3).fill(1200), liveLatencyMs: [] }, policy.canary);
    expect(bad.map((c) => [c.name, c.passed, c.value])).toEqual([
      ['canary-runs', false, 5],
      ['canary-failure-rate', false, 0.4],
      ['canary-latency-p95-ratio', false, null],
    ]);
    expect(bad[0].detail).toContain('not enough cases yet: 5/20');
  });
});

describe('gate policy', () => {
  it('has the documented defaults, and SEGFLOW_GATE_POLICY overrides a subset', () => {
    expect(DEFAULT_GATE_POLICY).toEqual({
      shadow: {
        minComparedCases: 20,
        diceP10Min: 0.8,
        diceMedianMin: 0.9,
        maxFailureRate: 0.05,
        maxLatencyRatio: 1.5,
        minReviewedCases: 0,
        maxLiveBetterShare: 0.2,
      },
      canary: { minRuns: 20, maxFailureRate: 0.05, maxLatencyRatio: 1.5, latencyBaselineRuns: 50 },
      canarySteps: [10, 25, 50],
    });
    const p = gatePolicy('{"shadow":{"minComparedCases":3},"canarySteps":[5,50]}');
    expect(p.shadow).toMatchObject({ minComparedCases: 3, diceP10Min: 0.8 });
    expect(p.canary.minRuns).toBe(20);
    expect(() => gatePolicy('{"canarySteps":[50,10]}')).toThrow(/canary steps must increase/);
    expect(() => gatePolicy('{"shadow":{"diceP10Min":2}}')).toThrow(/shadow\.diceP10Min/);
  });

  it('moves shadow → 10 → 25 → 50 → live', () => {
    expect(nextStage(DEFAULT_GATE_POLICY, { stage: 'shadow' })).toEqual({ stage: 'canary', percent: 10 });
    expect(nextStage(DEFAULT_GATE_POLICY, { stage: 'canary', percent: 10 })).toEqual({ stage: 'canary', percent: 25 });
    expect(nextStage(DEFAULT_GATE_POLICY, { stage: 'canary', percent: 25 })).toEqual({ stage: 'canary', percent: 50 });
    expect(nextStage(DEFAULT_GATE_POLICY, { stage: 'canary', percent: 50 })).toEqual({ stage: 'live' });
  });
});
