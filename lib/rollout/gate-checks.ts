import { mean, quantile } from './quantile';
import type { TCanaryGatePolicy, TShadowGatePolicy } from './gate-policy';
import { plural } from '@/lib/util/plural';

/** One criterion of a gate: the observed value against its threshold. */
export interface GateCheck {
  name: string;
  /** the label a Dice check is about */
  label?: string;
  /** null when it cannot be measured yet (no runs, no timings) */
  value: number | null;
  threshold: number;
  /** how value must compare with threshold to pass */
  op: '>=' | '<=';
  passed: boolean;
  detail: string;
}

export interface ShadowCases {
  /** per compared run: the per-label Dice of shadow vs serving */
  comparisons: { runId: string; labels: { name: string; dice: number }[] }[];
  /** finished runs whose infer-shadow ran (succeeded or failed) */
  shadowRan: number;
  shadowFailed: number;
  /** durations (ms) of succeeded infer-shadow steps, and of the serving infer in the same runs */
  shadowLatencyMs: number[];
  servingLatencyMs: number[];
  /** reviewers' verdicts on those comparisons: how many cases were reviewed, and verdicts saying live is better */
  reviews?: { reviewedCases: number; verdicts: number; liveBetter: number };
  /** per run in the window compared with a reference: the shadow mask's mean Dice against it */
  referenceDice?: number[];
}

export interface CanaryCases {
  /** finished runs the canary served whose infer-serving ran (succeeded or failed) */
  canaryRan: number;
  canaryFailed: number;
  canaryLatencyMs: number[];
  /** infer-serving durations of the runs the live version served (the baseline) */
  liveLatencyMs: number[];
  /** per canary run compared with a reference: the canary mask's mean Dice against it */
  referenceDice?: number[];
}

const fmt = (x: number, digits = 3) => (Number.isInteger(x) ? String(x) : x.toFixed(digits));
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function check(c: Omit<GateCheck, 'passed'>): GateCheck {
  const passed = c.value !== null && (c.op === '>=' ? c.value >= c.threshold : c.value <= c.threshold);
  return { ...c, passed };
}

/** `what`: the thing counted, singular ("compared case") */
function countCheck(name: string, n: number, min: number, what: string): GateCheck {
  return check({ name, value: n, threshold: min, op: '>=', detail: n >= min ? plural(n, what) : `not enough cases yet: ${n}/${min} ${what}s` });
}

function failureRateCheck(name: string, failed: number, ran: number, max: number, what: string): GateCheck {
  const value = ran === 0 ? null : failed / ran;
  return check({ name, value, threshold: max, op: '<=', detail: ran === 0 ? `no ${what} yet` : `${failed}/${ran} ${what} failed` });
}

function latencyCheck(name: string, candidateMs: number[], baselineMs: number[], maxRatio: number, who: [string, string]): GateCheck {
  const c = quantile(candidateMs, 0.95);
  const b = quantile(baselineMs, 0.95);
  if (c === null || b === null) {
    return check({
      name,
      value: null,
      threshold: maxRatio,
      op: '<=',
      detail: `no timings yet (${who[0]} ${candidateMs.length}, ${who[1]} ${baselineMs.length})`,
    });
  }
  // a baseline of 0 ms (clock resolution) must not divide by zero: treat it as 1 ms
  const value = c / Math.max(b, 1);
  return check({
    name,
    value,
    threshold: maxRatio,
    op: '<=',
    detail: `p95 ${who[0]} ${sec(c)} vs ${who[1]} ${sec(b)} (${candidateMs.length}/${baselineMs.length} runs)`,
  });
}

/** Per-label Dice values across cases, in the order labels first appear. */
export function diceByLabel(comparisons: ShadowCases['comparisons']): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const c of comparisons) {
    for (const l of c.labels) {
      if (!out.has(l.name)) out.set(l.name, []);
      out.get(l.name)!.push(l.dice);
    }
  }
  return out;
}

/** The shadow → canary gate: enough compared cases, Dice distribution per label, failures, latency. */
export function shadowGateChecks(cases: ShadowCases, policy: TShadowGatePolicy): GateCheck[] {
  const checks = [countCheck('compared-cases', cases.comparisons.length, policy.minComparedCases, 'compared case')];
  for (const [label, dice] of diceByLabel(cases.comparisons)) {
    const m = mean(dice)!;
    const p10 = quantile(dice, 0.1)!;
    const below = dice.filter((d) => d < policy.diceP10Min).length;
    checks.push(
      check({
        name: 'dice-p10',
        label,
        value: p10,
        threshold: policy.diceP10Min,
        op: '>=',
        detail: `${label}: 10th percentile of ${plural(dice.length, 'case')} (mean ${fmt(m)}; ${below} below ${fmt(policy.diceP10Min)})`,
      }),
      check({
        name: 'dice-median',
        label,
        value: quantile(dice, 0.5),
        threshold: policy.diceMedianMin,
        op: '>=',
        detail: `${label}: median of ${plural(dice.length, 'case')} (min ${fmt(Math.min(...dice))})`,
      }),
    );
  }
  if (cases.comparisons.length === 0) {
    checks.push(check({ name: 'dice-p10', value: null, threshold: policy.diceP10Min, op: '>=', detail: 'no compared cases yet' }));
  }
  checks.push(
    failureRateCheck('shadow-failure-rate', cases.shadowFailed, cases.shadowRan, policy.maxFailureRate, 'shadow inferences'),
    latencyCheck('shadow-latency-p95-ratio', cases.shadowLatencyMs, cases.servingLatencyMs, policy.maxLatencyRatio, ['shadow', 'serving']),
    ...reviewChecks(cases.reviews ?? { reviewedCases: 0, verdicts: 0, liveBetter: 0 }, policy),
    ...referenceDiceChecks(cases.referenceDice ?? [], policy.minReferenceDice),
  );
  return checks;
}

/**
 * Accuracy against reference segmentations (ground truth), when the policy asks for it: the mean
 * over the window's runs of the candidate mask's mean Dice against their references. None yet fails.
 */
function referenceDiceChecks(dice: number[], min: number | undefined): GateCheck[] {
  if (min === undefined) return [];
  const m = mean(dice);
  return [
    check({
      name: 'reference-dice-mean',
      value: m,
      threshold: min,
      op: '>=',
      detail:
        m === null
          ? 'no run compared with a reference segmentation yet'
          : `mean Dice against the reference over ${dice.length} runs (min ${fmt(Math.min(...dice))})`,
    }),
  ];
}

/**
 * What reviewers said, side by side: enough reviewed cases (when the policy asks for any), and not
 * too many verdicts that the live mask is better. No reviews at all passes only when none are required.
 */
function reviewChecks(r: NonNullable<ShadowCases['reviews']>, policy: TShadowGatePolicy): GateCheck[] {
  const out: GateCheck[] = [];
  if (policy.minReviewedCases > 0) out.push(countCheck('reviewed-cases', r.reviewedCases, policy.minReviewedCases, 'reviewed case'));
  if (r.verdicts === 0) {
    out.push({
      name: 'reviewers-live-better-share',
      value: null,
      threshold: policy.maxLiveBetterShare,
      op: '<=',
      passed: policy.minReviewedCases === 0,
      detail: 'no reviewer verdicts yet',
    });
  } else {
    out.push(
      check({
        name: 'reviewers-live-better-share',
        value: r.liveBetter / r.verdicts,
        threshold: policy.maxLiveBetterShare,
        op: '<=',
        detail: `${r.liveBetter}/${r.verdicts} verdicts say the live mask is better (${r.reviewedCases} cases reviewed)`,
      }),
    );
  }
  return out;
}

/** The canary gate (next percent step or live): enough canary runs, failures, latency against live. */
export function canaryGateChecks(cases: CanaryCases, policy: TCanaryGatePolicy): GateCheck[] {
  return [
    countCheck('canary-runs', cases.canaryRan, policy.minRuns, 'canary run'),
    failureRateCheck('canary-failure-rate', cases.canaryFailed, cases.canaryRan, policy.maxFailureRate, 'canary inferences'),
    latencyCheck('canary-latency-p95-ratio', cases.canaryLatencyMs, cases.liveLatencyMs, policy.maxLatencyRatio, ['canary', 'live']),
    ...referenceDiceChecks(cases.referenceDice ?? [], policy.minReferenceDice),
  ];
}

/** The checks an automatic rollback acts on: measured, failing, and not about sample size or Dice. */
export const AUTO_ROLLBACK_CHECKS = ['canary-failure-rate', 'canary-latency-p95-ratio'] as const;
