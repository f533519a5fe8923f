import type { SlotEvent } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import { clearSlotStage } from './clear-slot-stage';
import { getCandidate, type CandidateStage } from './get-candidate';

/**
 * One-step rollback: the canary (its share back to 0) or the shadow leaves the slot, the live version
 * keeps serving untouched, and a rolled_back slot event names who (null: the platform) and why.
 */
export async function rollBackCandidate(
  db: DbOrTx,
  p: { modelId: string; stage: CandidateStage; actorId: string | null; reason: string; gate?: Record<string, unknown> },
): Promise<SlotEvent> {
  const reason = p.reason.trim();
  if (!reason) throw new AppError('invalid_input', 'reason: a rollback needs a reason', { field: 'reason' });
  const c = await getCandidate(db, { modelId: p.modelId, stage: p.stage, lock: true });
  return clearSlotStage(db, { slotId: c.slot.id, stage: p.stage, state: 'rolled_back', actorId: p.actorId, reason, gate: p.gate });
}
