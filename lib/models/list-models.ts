import { asc, eq } from 'drizzle-orm';
import { deploymentSlots, models, modelVersions, projects } from '@/db/schema';
import type { DbOrTx } from '../db';
import { listModelGrants, type GrantView } from './model-grants';

export interface ModelListItem {
  id: string;
  name: string;
  description: string | null;
  versions: {
    id: string;
    version: string;
    sha256: string;
    status: string;
    stage: 'live' | 'shadow' | 'canary' | null;
    createdAt: Date;
    /** the declared input domain in words ("T1-weighted MR of the adult head"), null when none is declared */
    domain: string | null;
    /** registration's evidence in one line: graph, test run, parity */
    checks: string;
  }[];
  canaryPercent: number;
  /** the owning project (its operators and admins manage the slot and the grants); null: none yet */
  owner: { id: string; slug: string } | null;
  /** the other projects that may run it */
  grants: GrantView[];
}

/** Every model with its versions and which stage of the slot each holds. */
export async function listModels(db: DbOrTx): Promise<ModelListItem[]> {
  const rows = await db
    .select({ model: models, version: modelVersions, slot: deploymentSlots, ownerSlug: projects.slug })
    .from(models)
    .leftJoin(projects, eq(projects.id, models.ownerProjectId))
    .leftJoin(modelVersions, eq(modelVersions.modelId, models.id))
    .leftJoin(deploymentSlots, eq(deploymentSlots.modelId, models.id))
    .orderBy(asc(models.name), asc(modelVersions.createdAt));
  const byId = new Map<string, ModelListItem>();
  for (const { model, version, slot, ownerSlug } of rows) {
    let item = byId.get(model.id);
    if (!item) {
      const owner = model.ownerProjectId && ownerSlug ? { id: model.ownerProjectId, slug: ownerSlug } : null;
      item = { id: model.id, name: model.name, description: model.description, versions: [], canaryPercent: slot?.canaryPercent ?? 0, owner, grants: [] };
      byId.set(model.id, item);
    }
    if (!version) continue;
    const stage =
      slot?.liveVersionId === version.id ? 'live' : slot?.shadowVersionId === version.id ? 'shadow' : slot?.canaryVersionId === version.id ? 'canary' : null;
    const domain = (version.spec as { domain?: { description?: string } }).domain?.description ?? null;
    item.versions.push({
      id: version.id,
      version: version.version,
      sha256: version.sha256,
      status: version.status,
      stage,
      createdAt: version.createdAt,
      domain,
      checks: describeEvidence(version.evidence),
    });
  }
  for (const item of byId.values()) item.grants = await listModelGrants(db, item.id);
  return [...byId.values()];
}

type Evidence = { graph?: { opset?: number }; parity?: { passed: boolean; minDice: number; references: { dice: Record<string, number> }[] } | null };

/** "opset 14 · test run passed · parity on 1 reference: lowest Dice 1.0000 (≥ 0.999)" */
function describeEvidence(raw: unknown): string {
  if (!raw) return 'registered before checks were recorded';
  const e = raw as Evidence;
  const parts = [`opset ${e.graph?.opset ?? '?'}`, 'test run passed'];
  if (!e.parity) parts.push('no parity references');
  else {
    const lowest = Math.min(...e.parity.references.flatMap((r) => Object.values(r.dice)));
    parts.push(
      `parity on ${e.parity.references.length} reference${e.parity.references.length === 1 ? '' : 's'}: lowest Dice ${lowest.toFixed(4)} (≥ ${e.parity.minDice})`,
    );
  }
  return parts.join(' · ');
}
