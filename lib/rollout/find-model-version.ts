import { and, eq } from 'drizzle-orm';
import { deploymentSlots, models, modelVersions } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';

export interface ModelVersionRef {
  modelId: string;
  model: string;
  versionId: string;
  version: string;
  /** the stage of its model's slot it holds now, if any */
  stage: 'live' | 'canary' | 'shadow' | null;
}

/** A model by name (what the API and CLI take), with its id. */
export async function findModel(db: DbOrTx, name: string): Promise<{ id: string; name: string }> {
  const [m] = await db.select({ id: models.id, name: models.name }).from(models).where(eq(models.name, name));
  if (!m) throw new AppError('not_found', `no model named ${name}`);
  return m;
}

/** A model's version by name and version string, and the stage it holds now. */
export async function findModelVersion(db: DbOrTx, p: { model: string; version: string }): Promise<ModelVersionRef> {
  const m = await findModel(db, p.model);
  const [v] = await db
    .select({ id: modelVersions.id, version: modelVersions.version })
    .from(modelVersions)
    .where(and(eq(modelVersions.modelId, m.id), eq(modelVersions.version, p.version)));
  if (!v) throw new AppError('not_found', `${p.model} has no version ${p.version}`);
  const [slot] = await db.select().from(deploymentSlots).where(eq(deploymentSlots.modelId, m.id));
  const stage = slot?.liveVersionId === v.id ? 'live' : slot?.canaryVersionId === v.id ? 'canary' : slot?.shadowVersionId === v.id ? 'shadow' : null;
  return { modelId: m.id, model: m.name, versionId: v.id, version: v.version, stage };
}

/** The candidate stage a version holds (request, approve and roll back act on it); a clear refusal otherwise. */
export function candidateStageOf(ref: ModelVersionRef, verb: string): 'shadow' | 'canary' {
  if (ref.stage === 'shadow' || ref.stage === 'canary') return ref.stage;
  throw new AppError(
    'conflict',
    `${ref.model}@${ref.version} is ${ref.stage ? `the ${ref.stage} version` : 'not on the slot'}: only the shadow or canary version can be ${verb}`,
  );
}
