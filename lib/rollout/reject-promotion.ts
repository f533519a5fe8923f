import { slotEvents, type SlotEvent } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import { getCandidate, type CandidateStage } from './get-candidate';
import { promotionRequests } from './promotion-requests';

/**
 * Declines a requested promotion: a rejected slot event (who, why) closes the candidate's open
 * requests, and the candidate stays where it is (shadow, or its canary step) until someone requests
 * again or rolls it back. The same rules as a rollback: the owner's operators or admins, a reason.
 */
export async function rejectPromotion(db: DbOrTx, p: { modelId: string; stage: CandidateStage; actorId: string; reason: string }): Promise<SlotEvent> {
  const reason = p.reason.trim();
  if (!reason) throw new AppError('invalid_input', 'reason: a rejection needs a reason', { field: 'reason' });
  const c = await getCandidate(db, { modelId: p.modelId, stage: p.stage, lock: true });
  const requests = await promotionRequests(db, c);
  const name = `${c.model.name}@${c.version.version}`;
  if (requests.length === 0) throw new AppError('conflict', `no promotion of ${name} is waiting for approval: there is nothing to reject`);
  const [event] = await db
    .insert(slotEvents)
    .values({
      slotId: c.slot.id,
      versionId: c.version.id,
      stage: c.stage,
      state: 'rejected',
      canaryPercent: c.percent,
      gate: { rejectedRequests: requests.map((r) => r.eventId) },
      actorId: p.actorId,
      reason,
    })
    .returning();
  return event;
}
