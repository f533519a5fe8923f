import { and, eq, sql } from 'drizzle-orm';
import { deploymentSlots, modelVersions, slotEvents, type DeploymentSlot } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import { setSlotVersion } from '../models/set-slot-version';

/**
 * Puts an earlier live version back as live in one step — the way back after a promotion that
 * turned out wrong (a rollback only takes a candidate off). Only a version that was live before
 * qualifies: it passed every gate then, and the event that made it live is named in the new one's
 * record. The version it replaces is retired as promotions retire theirs; canary and shadow stay.
 * A reason is required; the caller audits it.
 */
export async function promoteBack(
  db: DbOrTx,
  p: { modelId: string; versionId: string; actorId: string; reason: string },
): Promise<{ slot: DeploymentSlot; replaced: string | null; earlierLiveEvent: string }> {
  const reason = p.reason.trim();
  if (!reason) throw new AppError('invalid_input', 'reason: putting an earlier version back as live needs a reason', { field: 'reason' });
  const [slot] = await db.select().from(deploymentSlots).where(eq(deploymentSlots.modelId, p.modelId)).for('update');
  const [version] = await db
    .select()
    .from(modelVersions)
    .where(and(eq(modelVersions.id, p.versionId), eq(modelVersions.modelId, p.modelId)));
  if (!slot || !version) throw new AppError('not_found', 'no such version of this model');
  if (slot.liveVersionId === version.id) throw new AppError('conflict', `${version.version} is live already`);
  if (slot.canaryVersionId === version.id || slot.shadowVersionId === version.id)
    throw new AppError(
      'conflict',
      `${version.version} is the current ${slot.canaryVersionId === version.id ? 'canary' : 'shadow'}: promote or roll it back instead`,
    );
  const [earlier] = await db
    .select({ id: slotEvents.id })
    .from(slotEvents)
    .where(and(eq(slotEvents.slotId, slot.id), eq(slotEvents.versionId, version.id), eq(slotEvents.state, 'live')))
    .orderBy(sql`${slotEvents.createdAt} desc`)
    .limit(1);
  if (!earlier)
    throw new AppError(
      'conflict',
      `${version.version} was never live: only an earlier live version can be put back (new versions go through shadow and canary)`,
    );
  const replaced = slot.liveVersionId;
  const updated = await setSlotVersion(db, {
    modelId: p.modelId,
    versionId: version.id,
    stage: 'live',
    actorId: p.actorId,
    reason,
    gate: { promoteBack: true, earlierLiveEvent: earlier.id, replaced },
  });
  await db.update(modelVersions).set({ status: 'validated' }).where(eq(modelVersions.id, version.id));
  if (replaced) await db.update(modelVersions).set({ status: 'retired' }).where(eq(modelVersions.id, replaced));
  return { slot: updated, replaced, earlierLiveEvent: earlier.id };
}
