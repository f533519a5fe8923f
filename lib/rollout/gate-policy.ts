import { firstIssue, plainIssueMessage } from '../util/input-issues';
import { z } from 'zod';
import { config } from '../config';

/**
 * What a candidate version must show before an operator may promote it (ADR-03). Two gates:
 *
 * shadow → canary, over the shadow's runs since it entered shadow:
 *   - minComparedCases (20): runs with a shadow-vs-serving comparison;
 *   - Dice agreement with the serving model, per label, as a distribution: the 10th percentile of
 *     per-case Dice ≥ diceP10Min (0.80) and the median ≥ diceMedianMin (0.90), so a tail of bad cases
 *     fails the gate even when the mean looks fine;
 *   - maxFailureRate (0.05): runs whose infer-shadow failed / runs whose infer-shadow ran;
 *   - maxLatencyRatio (1.5): p95 of infer-shadow ≤ 1.5 × p95 of the serving infer in the same runs;
 *   - reviewers' verdicts on those comparisons: at least minReviewedCases (0: reviews inform but are
 *     not required) and the share of verdicts "live better" ≤ maxLiveBetterShare (0.2).
 *
 * canary (each percent step, and the last step → live), over the canary's runs since its current step:
 *   - minRuns (20): runs the canary served whose infer-serving ran;
 *   - maxFailureRate (0.05): of those, infer-serving failed;
 *   - maxLatencyRatio (1.5): p95 of the canary's infer-serving ≤ 1.5 × p95 of the live version's
 *     in the same window (its most recent `latencyBaselineRuns` (50) when it served none there).
 *   A failing failure-rate or latency check rolls the canary back automatically once minRuns is reached.
 *
 * Both gates may also require accuracy against reference segmentations (ground truth, lib/references):
 * minReferenceDice (unset: not checked) is the least mean Dice of the candidate's masks against the
 * references of the runs in its window; with it set and no such run, the gate does not pass.
 *
 * canarySteps ([10, 25, 50]): the canary's share of studies at each step; after the last, live.
 *
 * Defaults live here; SEGFLOW_GATE_POLICY (JSON, any subset, e.g. `{"shadow":{"minComparedCases":3}}`)
 * overrides them for a deployment; a model's own policy (lib/rollout/model-gate-policy.ts, set by its
 * owning project's operators) overrides both for that model, e.g. the demo model with its handful of runs.
 */
const ratio = z.number().min(0).max(1);

export const ZShadowGatePolicy = z.object({
  minComparedCases: z.number().int().min(1).default(20),
  diceP10Min: ratio.default(0.8),
  diceMedianMin: ratio.default(0.9),
  maxFailureRate: ratio.default(0.05),
  maxLatencyRatio: z.number().positive().default(1.5),
  minReviewedCases: z.number().int().min(0).default(0),
  maxLiveBetterShare: ratio.default(0.2),
  minReferenceDice: ratio.optional(),
});

export const ZCanaryGatePolicy = z.object({
  minRuns: z.number().int().min(1).default(20),
  maxFailureRate: ratio.default(0.05),
  maxLatencyRatio: z.number().positive().default(1.5),
  latencyBaselineRuns: z.number().int().min(1).default(50),
  minReferenceDice: ratio.optional(),
});

export const ZGatePolicy = z.object({
  shadow: ZShadowGatePolicy.prefault({}),
  canary: ZCanaryGatePolicy.prefault({}),
  canarySteps: z
    .array(z.number().int().min(1).max(99))
    .min(1)
    .refine((s) => s.every((p, i) => i === 0 || p > s[i - 1]), 'canary steps must increase')
    .default([10, 25, 50]),
});
export type TGatePolicy = z.infer<typeof ZGatePolicy>;
export type TShadowGatePolicy = z.infer<typeof ZShadowGatePolicy>;
export type TCanaryGatePolicy = z.infer<typeof ZCanaryGatePolicy>;

export const DEFAULT_GATE_POLICY: TGatePolicy = ZGatePolicy.parse({});

/** SEGFLOW_GATE_POLICY as an object (any subset of the fields), or {} when unset. */
export function deploymentPolicyOverride(env: string | undefined = config().rollout.gatePolicyJson): Record<string, unknown> {
  if (!env) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(env);
  } catch {
    throw new Error('SEGFLOW_GATE_POLICY is not JSON');
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('SEGFLOW_GATE_POLICY (root): expected an object');
  return raw as Record<string, unknown>;
}

/** Lays `over`'s fields over `under`'s (shadow and canary field by field; canarySteps as a whole). */
export function layerPolicy(under: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const obj = (x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : {});
  const out: Record<string, unknown> = { ...under, ...over };
  for (const k of ['shadow', 'canary'] as const) if (k in under || k in over) out[k] = { ...obj(under[k]), ...obj(over[k]) };
  return out;
}

/** The deployment's policy: the defaults above, with SEGFLOW_GATE_POLICY's fields over them. */
export function gatePolicy(env: string | undefined = config().rollout.gatePolicyJson): TGatePolicy {
  const raw = deploymentPolicyOverride(env);
  if (Object.keys(raw).length === 0) return DEFAULT_GATE_POLICY;
  const parsed = ZGatePolicy.safeParse(raw, { error: plainIssueMessage });
  if (!parsed.success) {
    const { field, message } = firstIssue(parsed.error, '(root)');
    throw new Error(`SEGFLOW_GATE_POLICY ${field}: ${message}`);
  }
  return parsed.data;
}

/** Where approving a candidate moves it: shadow → first step; canary p → next step; last step → live. */
export function nextStage(
  policy: TGatePolicy,
  from: { stage: 'shadow' } | { stage: 'canary'; percent: number },
): { stage: 'canary'; percent: number } | { stage: 'live' } {
  if (from.stage === 'shadow') return { stage: 'canary', percent: policy.canarySteps[0] };
  const next = policy.canarySteps.find((p) => p > from.percent);
  return next === undefined ? { stage: 'live' } : { stage: 'canary', percent: next };
}
