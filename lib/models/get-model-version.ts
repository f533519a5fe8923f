import { and, eq } from 'drizzle-orm';
import { models, modelVersions, type ModelVersion } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';

/** One registered version by model name and version string. */
export async function getModelVersion(db: DbOrTx, p: { model: string; version: string }): Promise<ModelVersion & { modelName: string }> {
  const [row] = await db
    .select({ version: modelVersions, modelName: models.name })
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .where(and(eq(models.name, p.model), eq(modelVersions.version, p.version)))
    .limit(1);
  if (!row) throw new AppError('not_found', `model ${p.model}@${p.version} is not registered`);
  return { ...row.version, modelName: row.modelName };
}
