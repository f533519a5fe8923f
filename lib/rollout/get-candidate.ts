import { and, desc, eq } from 'drizzle-orm';
import { deploymentSlots, models, modelVersions, slotEvents, type DeploymentSlot, type ModelVersion } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';

export type CandidateStage = 'shadow' | 'canary';

/** The version on a slot's shadow or canary stage, and the slot event that put it there. */
export interface Candidate {
  model: { id: string; name: string };
  slot: DeploymentSlot;
  version: ModelVersion;
  stage: CandidateStage;
  /** the canary's current share of studies; null for a shadow */
  percent: number | null;
  /** the event that put it on this stage (for a canary: its current percent step); its runs count from here */
  entry: { id: string; createdAt: Date } | null;
}

/**
 * Reads the candidate on `stage` of a model's slot. `lock` takes the slot row FOR UPDATE, so an
 * approval, a rollback and an automatic rollback of the same slot happen one after another.
 */
export async function getCandidate(db: DbOrTx, p: { modelId: string; stage: CandidateStage; lock?: boolean }): Promise<Candidate> {
  const q = db
    .select({ slot: deploymentSlots, model: { id: models.id, name: models.name } })
    .from(deploymentSlots)
    .innerJoin(models, eq(models.id, deploymentSlots.modelId))
    .where(eq(deploymentSlots.modelId, p.modelId))
    .limit(1);
  const [row] = p.lock ? await q.for('update', { of: deploymentSlots }) : await q;
  if (!row) throw new AppError('not_found', `model ${p.modelId} has no deployment slot`);
  const c = await candidateOf(db, { ...row, stage: p.stage });
  if (!c) throw new AppError('not_found', `${row.model.name} has no ${p.stage} version`);
  return c;
}

/** The candidate on `stage` of a slot row already read (null when that stage is empty). */
export async function candidateOf(
  db: DbOrTx,
  p: { slot: DeploymentSlot; model: { id: string; name: string }; stage: CandidateStage },
): Promise<Candidate | null> {
  const versionId = p.stage === 'shadow' ? p.slot.shadowVersionId : p.slot.canaryVersionId;
  if (!versionId) return null;
  const [version] = await db.select().from(modelVersions).where(eq(modelVersions.id, versionId));
  const [entry] = await db
    .select({ id: slotEvents.id, createdAt: slotEvents.createdAt })
    .from(slotEvents)
    .where(and(eq(slotEvents.slotId, p.slot.id), eq(slotEvents.versionId, versionId), eq(slotEvents.state, p.stage)))
    .orderBy(desc(slotEvents.createdAt))
    .limit(1);
  return {
    model: p.model,
    slot: p.slot,
    version,
    stage: p.stage,
    percent: p.stage === 'canary' ? p.slot.canaryPercent : null,
    entry: entry ?? null,
  };
}
