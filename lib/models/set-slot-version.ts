import { eq } from 'drizzle-orm';
import { deploymentSlots, slotEvents, type DeploymentSlot } from '@/db/schema';
import type { DbOrTx } from '../db';

type Stage = 'live' | 'shadow' | 'canary';
const COLUMN = { live: 'liveVersionId', shadow: 'shadowVersionId', canary: 'canaryVersionId' } as const;

/**
 * Puts a version on one stage of its model's slot and records the change as a slot event, so
 * "which version was live on that day" is always answerable. Gates and approvals (rollout issue)
 * call this once they decide.
 */
export async function setSlotVersion(
  db: DbOrTx,
  p: { modelId: string; versionId: string; stage: Stage; canaryPercent?: number; actorId?: string | null; reason: string; gate?: Record<string, unknown> },
): Promise<DeploymentSlot> {
  const [slot] = await db
    .insert(deploymentSlots)
    .values({ modelId: p.modelId })
    .onConflictDoUpdate({ target: deploymentSlots.modelId, set: { updatedAt: new Date() } })
    .returning();
  const [updated] = await db
    .update(deploymentSlots)
    .set({ [COLUMN[p.stage]]: p.versionId, ...(p.stage === 'canary' ? { canaryPercent: p.canaryPercent ?? 5 } : {}), updatedAt: new Date() })
    .where(eq(deploymentSlots.id, slot.id))
    .returning();
  await db.insert(slotEvents).values({
    slotId: slot.id,
    versionId: p.versionId,
    stage: p.stage,
    state: p.stage,
    canaryPercent: p.stage === 'canary' ? (p.canaryPercent ?? 5) : null,
    actorId: p.actorId ?? null,
    reason: p.reason,
    gate: p.gate ?? null,
  });
  return updated;
}
