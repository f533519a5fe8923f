import { createHash } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { deploymentSlots, models, modelVersions, type ModelVersion } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import type { TRunParams } from '@/db/schema/run-json';

/** 0–99 from the study id: the same study always lands in the same share of canary traffic. */
export function canaryBucket(studyId: string): number {
  return createHash('sha256').update(`canary\0${studyId}`).digest().readUInt32BE(0) % 100;
}

type Serving = TRunParams['serving'];
type Shadow = NonNullable<TRunParams['shadow']>;

function ref<R extends 'live' | 'canary' | 'shadow'>(role: R, name: string, v: ModelVersion) {
  return { role, model: name, version: v.version, sha256: v.sha256, artifactKey: v.artifactKey, spec: v.spec, versionId: v.id };
}

/**
 * The versions a run of this study uses, from the model's deployment slot (ADR-03): the canary when
 * one is deployed and the study hashes into its share, else the live version; plus the shadow
 * version when one is deployed (its mask is stored and compared, never shown to researchers).
 */
export async function chooseModels(db: DbOrTx, p: { model: string; studyId: string }): Promise<{ serving: Serving; shadow: Shadow | null }> {
  const [row] = await db
    .select({ model: models, slot: deploymentSlots })
    .from(models)
    .innerJoin(deploymentSlots, eq(deploymentSlots.modelId, models.id))
    .where(eq(models.name, p.model))
    .limit(1);
  if (!row) throw new AppError('not_found', `model ${p.model} has no deployment slot`);
  const { slot } = row;
  const ids = [slot.liveVersionId, slot.canaryVersionId, slot.shadowVersionId].filter((x): x is string => Boolean(x));
  const versions = ids.length
    ? await db
        .select()
        .from(modelVersions)
        .where(and(eq(modelVersions.modelId, row.model.id), inArray(modelVersions.id, ids)))
    : [];
  const byId = new Map(versions.map((v) => [v.id, v]));
  const live = slot.liveVersionId ? byId.get(slot.liveVersionId) : undefined;
  const canary = slot.canaryVersionId ? byId.get(slot.canaryVersionId) : undefined;
  const shadow = slot.shadowVersionId ? byId.get(slot.shadowVersionId) : undefined;
  const useCanary = canary && slot.canaryPercent > 0 && canaryBucket(p.studyId) < slot.canaryPercent;
  if (!useCanary && !live) throw new AppError('conflict', `model ${p.model} has no live version`);
  return { serving: useCanary ? ref('canary', p.model, canary) : ref('live', p.model, live!), shadow: shadow ? ref('shadow', p.model, shadow) : null };
}
