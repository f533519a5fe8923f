import { asc, eq } from 'drizzle-orm';
import { deploymentSlots, models, modelVersions } from '@/db/schema';
import type { DbOrTx } from '../db';

export interface ModelListItem {
  id: string;
  name: string;
  description: string | null;
  versions: { id: string; version: string; sha256: string; status: string; stage: 'live' | 'shadow' | 'canary' | null; createdAt: Date }[];
  canaryPercent: number;
}

/** Every model with its versions and which stage of the slot each holds. */
export async function listModels(db: DbOrTx): Promise<ModelListItem[]> {
  const rows = await db
    .select({ model: models, version: modelVersions, slot: deploymentSlots })
    .from(models)
    .leftJoin(modelVersions, eq(modelVersions.modelId, models.id))
    .leftJoin(deploymentSlots, eq(deploymentSlots.modelId, models.id))
    .orderBy(asc(models.name), asc(modelVersions.createdAt));
  const byId = new Map<string, ModelListItem>();
  for (const { model, version, slot } of rows) {
    let item = byId.get(model.id);
    if (!item) {
      item = { id: model.id, name: model.name, description: model.description, versions: [], canaryPercent: slot?.canaryPercent ?? 0 };
      byId.set(model.id, item);
    }
    if (!version) continue;
    const stage =
      slot?.liveVersionId === version.id ? 'live' : slot?.shadowVersionId === version.id ? 'shadow' : slot?.canaryVersionId === version.id ? 'canary' : null;
    item.versions.push({ id: version.id, version: version.version, sha256: version.sha256, status: version.status, stage, createdAt: version.createdAt });
  }
  return [...byId.values()];
}
