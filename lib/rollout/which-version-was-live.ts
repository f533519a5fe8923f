import { and, desc, eq, lte } from 'drizzle-orm';
import { deploymentSlots, modelVersions, slotEvents } from '@/db/schema';
import type { DbOrTx } from '../db';

/**
 * The version that was live for a model at an instant, from the slot's events (the live stage only
 * changes through a 'live' event: rollbacks never touch it). Null before the first live version.
 */
export async function whichVersionWasLive(
  db: DbOrTx,
  p: { modelId: string; at: Date },
): Promise<{ versionId: string; version: string; sha256: string; since: Date } | null> {
  const [row] = await db
    .select({ versionId: slotEvents.versionId, version: modelVersions.version, sha256: modelVersions.sha256, since: slotEvents.createdAt })
    .from(slotEvents)
    .innerJoin(deploymentSlots, eq(deploymentSlots.id, slotEvents.slotId))
    .innerJoin(modelVersions, eq(modelVersions.id, slotEvents.versionId))
    .where(and(eq(deploymentSlots.modelId, p.modelId), eq(slotEvents.state, 'live'), lte(slotEvents.createdAt, p.at)))
    .orderBy(desc(slotEvents.createdAt))
    .limit(1);
  return row ?? null;
}
