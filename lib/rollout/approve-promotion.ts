import { eq, sql } from 'drizzle-orm';
import { deploymentSlots, modelVersions, type DeploymentSlot } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import { setSlotVersion } from '../models/set-slot-version';
import { describeFailures, evaluateCandidate, type GateEvaluation } from './evaluate-gate';
import type { TGatePolicy } from './gate-policy';
import { getCandidate, type Candidate, type CandidateStage } from './get-candidate';
import { writePromotionEvidence } from './write-promotion-evidence';
import { promotionRequests } from './promotion-requests';

/**
 * Why this user may not approve this candidate (four eyes: not the one who registered the version,
 * not one who requested its promotion), or null when they may.
 */
export function approvalConflict(c: Pick<Candidate, 'model' | 'version'>, requesterIds: (string | null)[], actorId: string): string | null {
  const name = `${c.model.name}@${c.version.version}`;
  if (c.version.registeredBy && c.version.registeredBy === actorId) return `you registered ${name}; another operator must approve its promotion`;
  if (requesterIds.includes(actorId)) return `you requested the promotion of ${name}; another operator must approve it`;
  return null;
}

/**
 * Approves a requested promotion and moves the candidate one step, each move through setSlotVersion
 * so it is a slot event: shadow → canary at the first percent step; canary → the next step; from
 * the last step → live (the old live version retired, the canary stage cleared). The gate is
 * evaluated again: it must still pass now, not only when it was requested.
 */
export async function approvePromotion(
  db: DbOrTx,
  p: { modelId: string; stage: CandidateStage; actorId: string; reason: string; policy?: TGatePolicy },
): Promise<{ slot: DeploymentSlot; evaluation: GateEvaluation; to: GateEvaluation['target']; evidenceKey: string }> {
  const reason = p.reason.trim();
  if (!reason) throw new AppError('invalid_input', 'reason: an approval needs a reason', { field: 'reason' });
  const c = await getCandidate(db, { modelId: p.modelId, stage: p.stage, lock: true });
  const name = `${c.model.name}@${c.version.version}`;
  const requests = await promotionRequests(db, c);
  if (requests.length === 0) throw new AppError('conflict', `no promotion of ${name} is waiting for approval; request it first`);
  const conflict = approvalConflict(
    c,
    requests.map((r) => r.actorId),
    p.actorId,
  );
  if (conflict) throw new AppError('forbidden', conflict);

  const { evaluation, data } = await evaluateCandidate(db, c, p.policy);
  if (!evaluation.passed) throw new AppError('conflict', `the ${p.stage} gate of ${name} no longer passes: ${describeFailures(evaluation.checks)}`);
  const to = evaluation.target;
  const evidenceKey = await writePromotionEvidence(db, { candidate: c, evaluation, data, requests, approverId: p.actorId, reason });
  const gate = { ...evaluation, approvedRequest: requests.at(-1)!.eventId, evidenceKey } as unknown as Record<string, unknown>;
  const common = { modelId: c.model.id, versionId: c.version.id, actorId: p.actorId, reason, gate };

  if (to.stage === 'canary') {
    if (c.stage === 'shadow') {
      if (c.slot.canaryVersionId) throw new AppError('conflict', `${c.model.name} already has a canary; promote it or roll it back first`);
      // the version moves: off the shadow stage, onto the canary (the canary event records the move)
      await db.update(deploymentSlots).set({ shadowVersionId: null }).where(eq(deploymentSlots.id, c.slot.id));
    }
    const slot = await setSlotVersion(db, { ...common, stage: 'canary', canaryPercent: to.percent });
    return { slot, evaluation, to, evidenceKey };
  }

  const oldLive = c.slot.liveVersionId;
  await setSlotVersion(db, { ...common, stage: 'live', gate: { ...gate, replaced: oldLive } });
  const [slot] = await db
    .update(deploymentSlots)
    .set({ canaryVersionId: null, canaryPercent: 0, updatedAt: sql`clock_timestamp()` })
    .where(eq(deploymentSlots.id, c.slot.id))
    .returning();
  if (oldLive && oldLive !== c.version.id) await db.update(modelVersions).set({ status: 'retired' }).where(eq(modelVersions.id, oldLive));
  return { slot, evaluation, to, evidenceKey };
}
