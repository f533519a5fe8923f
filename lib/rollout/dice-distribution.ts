import { diceByLabel, type ShadowCases } from './gate-checks';
import type { TShadowGatePolicy } from './gate-policy';
import { mean, quantile } from './quantile';

/** One label's per-case Dice, shaped for a chart: every case worst first (or evenly spaced quantiles). */
export interface DiceDistribution {
  label: string;
  cases: number;
  p10: number;
  median: number;
  mean: number;
  min: number;
  /** ascending; `at` is the share of cases at or below (0–100) */
  points: { at: number; dice: number }[];
  thresholds: { p10Min: number; medianMin: number };
}

export function diceDistribution(comparisons: ShadowCases['comparisons'], policy: TShadowGatePolicy, maxPoints = 100): DiceDistribution[] {
  return [...diceByLabel(comparisons)].map(([label, values]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const points =
      sorted.length <= maxPoints
        ? sorted.map((dice, i) => ({ at: Math.round((100 * (i + 1)) / sorted.length), dice }))
        : Array.from({ length: maxPoints }, (_, i) => {
            const p = i / (maxPoints - 1);
            return { at: Math.round(100 * p), dice: quantile(sorted, p)! };
          });
    return {
      label,
      cases: sorted.length,
      p10: quantile(sorted, 0.1)!,
      median: quantile(sorted, 0.5)!,
      mean: mean(sorted)!,
      min: sorted[0],
      points,
      thresholds: { p10Min: policy.diceP10Min, medianMin: policy.diceMedianMin },
    };
  });
}
