import type { DbOrTx } from '../db';
import { canaryGateChecks, shadowGateChecks, type CanaryCases, type GateCheck, type ShadowCases } from './gate-checks';
import { modelGatePolicy } from './model-gate-policy';
import { nextStage, type TCanaryGatePolicy, type TGatePolicy, type TShadowGatePolicy } from './gate-policy';
import { gatherCanaryCases, gatherShadowCases } from './gather-gate-cases';
import { getCandidate, type Candidate, type CandidateStage } from './get-candidate';

/** A gate's verdict on a candidate; stored as-is in the slot event it leads to (JSON-safe). */
export interface GateEvaluation {
  modelId: string;
  model: string;
  stage: CandidateStage;
  versionId: string;
  version: string;
  /** the canary's share now; null for a shadow */
  percent: number | null;
  /** where an approval would move it */
  target: { stage: 'canary'; percent: number } | { stage: 'live' };
  /** runs counted from here (ISO); null when no event recorded the stage */
  since: string | null;
  passed: boolean;
  /** compared cases (shadow) or canary runs (canary) */
  cases: number;
  minCases: number;
  checks: GateCheck[];
  policy: TShadowGatePolicy | TCanaryGatePolicy;
  evaluatedAt: string;
}

export type GateCases = { stage: 'shadow'; cases: ShadowCases } | { stage: 'canary'; cases: CanaryCases };

/** Evaluates the gate of an already-read candidate; also returns the cases (the page charts them). */
export async function evaluateCandidate(db: DbOrTx, c: Candidate, given?: TGatePolicy): Promise<{ evaluation: GateEvaluation; data: GateCases }> {
  // the model's own policy (lib/rollout/model-gate-policy.ts) unless the caller passes one (tests)
  const policy = given ?? (await modelGatePolicy(db, c.model.id)).policy;
  const base = {
    modelId: c.model.id,
    model: c.model.name,
    stage: c.stage,
    versionId: c.version.id,
    version: c.version.version,
    percent: c.percent,
    target: nextStage(policy, c.stage === 'shadow' ? { stage: 'shadow' } : { stage: 'canary', percent: c.percent ?? 0 }),
    since: c.entry?.createdAt.toISOString() ?? null,
    evaluatedAt: new Date().toISOString(),
  };
  if (c.stage === 'shadow') {
    const cases = await gatherShadowCases(db, c);
    const checks = shadowGateChecks(cases, policy.shadow);
    return {
      evaluation: {
        ...base,
        passed: checks.every((x) => x.passed),
        cases: cases.comparisons.length,
        minCases: policy.shadow.minComparedCases,
        checks,
        policy: policy.shadow,
      },
      data: { stage: 'shadow', cases },
    };
  }
  const cases = await gatherCanaryCases(db, c, policy.canary);
  const checks = canaryGateChecks(cases, policy.canary);
  return {
    evaluation: { ...base, passed: checks.every((x) => x.passed), cases: cases.canaryRan, minCases: policy.canary.minRuns, checks, policy: policy.canary },
    data: { stage: 'canary', cases },
  };
}

/**
 * The promotion gate of a model's shadow (→ canary) or canary (→ next percent step, or live),
 * computed from the runs of the candidate version since it entered that stage (slot_events).
 */
export async function evaluateGate(db: DbOrTx, p: { modelId: string; stage: CandidateStage; policy?: TGatePolicy }): Promise<GateEvaluation> {
  const candidate = await getCandidate(db, { modelId: p.modelId, stage: p.stage });
  return (await evaluateCandidate(db, candidate, p.policy)).evaluation;
}

/** "compared-cases: not enough cases yet: 3/20; dice-p10 (Grey Matter): …" — for refusals and rollback reasons. */
export function describeFailures(checks: GateCheck[]): string {
  return checks
    .filter((c) => !c.passed)
    .map(
      (c) =>
        `${c.name}${c.label ? ` (${c.label})` : ''}: ${c.value === null ? 'not measured' : `${round(c.value)} (needs ${c.op} ${c.threshold})`} — ${c.detail}`,
    )
    .join('; ');
}

const round = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(3));
