import { slotEvents, type SlotEvent } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import { describeFailures, evaluateCandidate, type GateEvaluation } from './evaluate-gate';
import type { TGatePolicy } from './gate-policy';
import { emitWebhookEvent } from '../webhooks/emit-webhook-event';
import { getCandidate, type CandidateStage } from './get-candidate';
import { projectsOfModel } from './projects-of-model';

export function targetLabel(t: GateEvaluation['target']): string {
  return t.stage === 'live' ? 'live' : `canary ${t.percent}%`;
}

/**
 * Asks for a candidate's promotion: evaluates its gate now and, when it passes, records a
 * gate_passed slot event (the evaluation as its gate JSON, the requester as actor) that waits for
 * another operator's approval. A failing gate is refused with the checks that failed.
 */
export async function requestPromotion(
  db: DbOrTx,
  p: { modelId: string; stage: CandidateStage; actorId: string; note?: string; policy?: TGatePolicy },
): Promise<{ evaluation: GateEvaluation; event: SlotEvent }> {
  const candidate = await getCandidate(db, { modelId: p.modelId, stage: p.stage, lock: true });
  const name = `${candidate.model.name}@${candidate.version.version}`;
  if (p.stage === 'shadow' && candidate.slot.canaryVersionId) {
    throw new AppError('conflict', `${candidate.model.name} already has a canary; promote it or roll it back before promoting ${name} out of shadow`);
  }
  const { evaluation } = await evaluateCandidate(db, candidate, p.policy);
  if (!evaluation.passed) {
    throw new AppError('conflict', `the ${p.stage} gate of ${name} has not passed: ${describeFailures(evaluation.checks)}`, {
      checks: evaluation.checks.filter((c) => !c.passed),
    });
  }
  const [event] = await db
    .insert(slotEvents)
    .values({
      slotId: candidate.slot.id,
      versionId: candidate.version.id,
      stage: p.stage,
      state: 'gate_passed',
      canaryPercent: candidate.percent,
      gate: evaluation as unknown as Record<string, unknown>,
      actorId: p.actorId,
      reason: p.note?.trim() || `requested promotion to ${targetLabel(evaluation.target)}`,
    })
    .returning();
  await emitWebhookEvent(db, {
    projectIds: await projectsOfModel(db, p.modelId),
    event: 'promotion.awaiting_approval',
    data: {
      model: { id: candidate.model.id, name: candidate.model.name },
      version: candidate.version.version,
      stage: p.stage,
      target: evaluation.target,
      request: event.id,
      reason: event.reason,
    },
  });
  return { evaluation, event };
}
