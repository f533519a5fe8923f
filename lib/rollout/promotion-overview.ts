import { asc, eq, inArray } from 'drizzle-orm';
import { deploymentSlots, models, modelVersions, projects, users } from '@/db/schema';
import type { DbOrTx } from '../db';
import { approvalConflict } from './approve-promotion';
import { diceDistribution, type DiceDistribution } from './dice-distribution';
import { evaluateCandidate, type GateEvaluation } from './evaluate-gate';
import type { TGatePolicy } from './gate-policy';
import { modelGatePolicy, type ModelGatePolicy } from './model-gate-policy';
import { candidateOf, type CandidateStage } from './get-candidate';
import { promotionRequests } from './promotion-requests';
import { slotHistory } from './slot-history';

type Ref = { versionId: string; version: string };

export interface CandidateView {
  stage: CandidateStage;
  versionId: string;
  version: string;
  registeredBy: string | null;
  evaluation: GateEvaluation;
  /** open requests (gate_passed) at the current step; non-empty = waiting for approval */
  requests: { by: string | null; at: string; reason: string | null }[];
  /** whether the viewer may approve, and why not */
  approval: { allowed: boolean; why: string | null };
  /** shadow only: the per-label Dice distributions the gate judged */
  dice: DiceDistribution[];
}

export interface PromotionOverview {
  modelId: string;
  model: string;
  live: Ref | null;
  canary: (Ref & { percent: number }) | null;
  shadow: Ref | null;
  candidates: CandidateView[];
  history: {
    id: string;
    at: string;
    version: string;
    stage: string | null;
    state: string;
    canaryPercent: number | null;
    by: string | null;
    reason: string | null;
  }[];
  canarySteps: number[];
  /** the model's gate policy in force, its own fields (if any), and who set them why */
  gatePolicy: ModelGatePolicy;
  /** the owning project (its operators and admins act here); null: none */
  owner: string | null;
}

/**
 * What the promotions page shows for every model with a deployment slot: its stages, each
 * candidate's gate evaluated now, open requests and whether the viewer may approve them, and the
 * slot's history. JSON-safe (dates as ISO strings), so client components can take it as props.
 */
export async function promotionOverview(db: DbOrTx, p: { viewerId: string; historyLimit?: number; policy?: TGatePolicy }): Promise<PromotionOverview[]> {
  const slots = await db
    .select({ slot: deploymentSlots, model: models.name, owner: projects.slug })
    .from(deploymentSlots)
    .innerJoin(models, eq(models.id, deploymentSlots.modelId))
    .leftJoin(projects, eq(projects.id, models.ownerProjectId))
    .orderBy(asc(models.name));
  const ids = slots.flatMap(({ slot }) => [slot.liveVersionId, slot.canaryVersionId, slot.shadowVersionId]).filter((x): x is string => Boolean(x));
  const versions = ids.length
    ? await db
        .select({ id: modelVersions.id, version: modelVersions.version, registeredBy: users.email })
        .from(modelVersions)
        .leftJoin(users, eq(users.id, modelVersions.registeredBy))
        .where(inArray(modelVersions.id, ids))
    : [];
  const byId = new Map(versions.map((v) => [v.id, v]));
  const ref = (id: string | null): Ref | null => (id && byId.has(id) ? { versionId: id, version: byId.get(id)!.version } : null);

  const out: PromotionOverview[] = [];
  for (const { slot, model, owner } of slots) {
    const own = await modelGatePolicy(db, slot.modelId);
    const policy = p.policy ?? own.policy;
    const candidates: CandidateView[] = [];
    for (const stage of ['canary', 'shadow'] as const) {
      // from the slot row read above: one consistent picture even while slots change
      const c = await candidateOf(db, { slot, model: { id: slot.modelId, name: model }, stage });
      if (!c) continue;
      const { evaluation, data } = await evaluateCandidate(db, c, policy);
      const requests = await promotionRequests(db, c);
      const why = requests.length
        ? approvalConflict(
            c,
            requests.map((r) => r.actorId),
            p.viewerId,
          )
        : 'no promotion request is waiting';
      candidates.push({
        stage,
        versionId: c.version.id,
        version: c.version.version,
        registeredBy: byId.get(c.version.id)?.registeredBy ?? null,
        evaluation,
        requests: requests.map((r) => ({ by: r.actorEmail, at: r.at.toISOString(), reason: r.reason })),
        approval: { allowed: why === null, why },
        dice: data.stage === 'shadow' ? diceDistribution(data.cases.comparisons, policy.shadow) : [],
      });
    }
    const history = await slotHistory(db, { modelId: slot.modelId, limit: p.historyLimit ?? 50 });
    out.push({
      modelId: slot.modelId,
      model,
      live: ref(slot.liveVersionId),
      canary: slot.canaryVersionId ? { ...ref(slot.canaryVersionId)!, percent: slot.canaryPercent } : null,
      shadow: ref(slot.shadowVersionId),
      candidates,
      history: history.map((h) => ({
        id: h.id,
        at: h.at.toISOString(),
        version: h.version,
        stage: h.stage,
        state: h.state,
        canaryPercent: h.canaryPercent,
        by: h.actorEmail,
        reason: h.reason,
      })),
      canarySteps: policy.canarySteps,
      gatePolicy: { ...own, policy },
      owner,
    });
  }
  return out;
}
