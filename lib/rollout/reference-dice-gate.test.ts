import { describe, expect, it } from 'vitest';
import { canaryGateChecks, shadowGateChecks } from './gate-checks';
import { DEFAULT_GATE_POLICY, gatePolicy } from './gate-policy';

const shadow = (referenceDice?: number[]) => ({
  comparisons: Array.from({ length: 20 }, (_, i) => ({ runId: `r${i}`, labels: [{ name: 'Liver', dice: 0.97 }] })),
  shadowRan: 20,
  shadowFailed: 0,
  shadowLatencyMs: [1000],
  servingLatencyMs: [1000],
  referenceDice,
});

describe('minimum Dice against reference segmentations (off by default)', () => {
  it('is not checked unless the policy sets minReferenceDice', () => {
    expect(DEFAULT_GATE_POLICY.shadow.minReferenceDice).toBeUndefined();
    expect(shadowGateChecks(shadow([0.1]), DEFAULT_GATE_POLICY.shadow).some((c) => c.name === 'reference-dice-mean')).toBe(false);
  });

  it('passes or fails the shadow and canary gates on the mean of the per-run reference Dice; none yet fails', () => {
    const policy = gatePolicy(JSON.stringify({ shadow: { minReferenceDice: 0.85 }, canary: { minReferenceDice: 0.85 } }));
    const find = (checks: ReturnType<typeof shadowGateChecks>) => checks.find((c) => c.name === 'reference-dice-mean');
    expect(find(shadowGateChecks(shadow([0.9, 0.88]), policy.shadow))).toMatchObject({ passed: true, value: 0.89, threshold: 0.85 });
    expect(find(shadowGateChecks(shadow([0.9, 0.7]), policy.shadow))).toMatchObject({
      passed: false,
      value: 0.8,
      detail: 'mean Dice against the reference over 2 runs (min 0.700)',
    });
    expect(find(shadowGateChecks(shadow([]), policy.shadow))).toMatchObject({
      passed: false,
      value: null,
      detail: 'no run compared with a reference segmentation yet',
    });
    const canary = canaryGateChecks({ canaryRan: 20, canaryFailed: 0, canaryLatencyMs: [1], liveLatencyMs: [1], referenceDice: [0.5] }, policy.canary);
    expect(find(canary)).toMatchObject({ passed: false, value: 0.5 });
  });
});
