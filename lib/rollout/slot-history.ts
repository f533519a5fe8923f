import { desc, eq } from 'drizzle-orm';
import { deploymentSlots, modelVersions, slotEvents, users } from '@/db/schema';
import type { DbOrTx } from '../db';

export interface SlotHistoryEntry {
  id: string;
  at: Date;
  versionId: string;
  version: string;
  stage: 'live' | 'shadow' | 'canary' | null;
  state: 'shadow' | 'gate_passed' | 'canary' | 'live' | 'rejected' | 'rolled_back';
  canaryPercent: number | null;
  /** null: the platform itself (seeding, automatic rollback) */
  actorId: string | null;
  actorEmail: string | null;
  reason: string | null;
  gate: Record<string, unknown> | null;
}

/** Every recorded change of a model's slot, newest first: who, when, which version, what state, why. */
export async function slotHistory(db: DbOrTx, p: { modelId: string; limit?: number }): Promise<SlotHistoryEntry[]> {
  return db
    .select({
      id: slotEvents.id,
      at: slotEvents.createdAt,
      versionId: slotEvents.versionId,
      version: modelVersions.version,
      stage: slotEvents.stage,
      state: slotEvents.state,
      canaryPercent: slotEvents.canaryPercent,
      actorId: slotEvents.actorId,
      actorEmail: users.email,
      reason: slotEvents.reason,
      gate: slotEvents.gate,
    })
    .from(slotEvents)
    .innerJoin(deploymentSlots, eq(deploymentSlots.id, slotEvents.slotId))
    .innerJoin(modelVersions, eq(modelVersions.id, slotEvents.versionId))
    .leftJoin(users, eq(users.id, slotEvents.actorId))
    .where(eq(deploymentSlots.modelId, p.modelId))
    .orderBy(desc(slotEvents.createdAt))
    .limit(p.limit ?? 1000);
}
