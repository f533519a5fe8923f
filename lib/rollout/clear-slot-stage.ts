import { eq, sql } from 'drizzle-orm';
import { deploymentSlots, slotEvents, type SlotEvent } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';

/**
 * Takes the version off a slot's shadow or canary stage (the canary's share back to 0) and records
 * it as a slot event. The live version is never touched here. clock_timestamp(): the event sorts
 * after any other event of the same transaction (their now() is the transaction's start).
 */
export async function clearSlotStage(
  db: DbOrTx,
  p: { slotId: string; stage: 'shadow' | 'canary'; state: 'rolled_back'; actorId: string | null; reason: string; gate?: Record<string, unknown> },
): Promise<SlotEvent> {
  const [slot] = await db.select().from(deploymentSlots).where(eq(deploymentSlots.id, p.slotId));
  const versionId = p.stage === 'shadow' ? slot?.shadowVersionId : slot?.canaryVersionId;
  if (!slot || !versionId) throw new AppError('conflict', `the slot has no ${p.stage} version`);
  await db
    .update(deploymentSlots)
    .set(p.stage === 'shadow' ? { shadowVersionId: null, updatedAt: new Date() } : { canaryVersionId: null, canaryPercent: 0, updatedAt: new Date() })
    .where(eq(deploymentSlots.id, slot.id));
  const [event] = await db
    .insert(slotEvents)
    .values({
      slotId: slot.id,
      versionId,
      stage: p.stage,
      state: p.state,
      canaryPercent: p.stage === 'canary' ? 0 : null,
      gate: p.gate ?? null,
      actorId: p.actorId,
      reason: p.reason,
      createdAt: sql`clock_timestamp()`,
    })
    .returning();
  return event;
}
