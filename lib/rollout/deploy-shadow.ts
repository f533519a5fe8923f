import { and, eq } from 'drizzle-orm';
import { deploymentSlots, modelVersions, type DeploymentSlot } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import { setSlotVersion } from '../models/set-slot-version';

/**
 * Puts a registered version into shadow (ADR-03's first stage): from the next run on it segments a
 * copy of every study, its masks are compared with the serving model's and never shown to
 * researchers. One shadow at a time: a slot that has one must roll it back first (replacing it
 * silently would lose its gate history), and the live or canary version cannot also be the shadow.
 * Shadow has no effect on researchers, so it needs a reason but no second operator; promotion does.
 */
export async function deployShadow(db: DbOrTx, p: { modelId: string; versionId: string; actorId: string; reason: string }): Promise<DeploymentSlot> {
  const reason = p.reason.trim();
  if (!reason) throw new AppError('invalid_input', 'reason: putting a version into shadow needs a reason', { field: 'reason' });
  const [version] = await db
    .select()
    .from(modelVersions)
    .where(and(eq(modelVersions.id, p.versionId), eq(modelVersions.modelId, p.modelId)));
  if (!version) throw new AppError('not_found', `version ${p.versionId} of model ${p.modelId} not found`);
  if (version.status === 'rejected' || version.status === 'retired')
    throw new AppError('conflict', `${version.version} is ${version.status}: it cannot go into shadow`);
  const [slot] = await db.select().from(deploymentSlots).where(eq(deploymentSlots.modelId, p.modelId)).for('update');
  if (!slot?.liveVersionId) throw new AppError('conflict', 'the model has no live version to compare a shadow with');
  if (slot.liveVersionId === version.id || slot.canaryVersionId === version.id)
    throw new AppError('conflict', `${version.version} is already serving (${slot.liveVersionId === version.id ? 'live' : 'canary'})`);
  if (slot.shadowVersionId === version.id) throw new AppError('conflict', `${version.version} is already the shadow`);
  if (slot.shadowVersionId)
    throw new AppError('conflict', 'the slot already has a shadow version: roll it back (Promotions) before putting another one in shadow');
  return setSlotVersion(db, { modelId: p.modelId, versionId: version.id, stage: 'shadow', actorId: p.actorId, reason });
}
