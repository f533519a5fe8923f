import { and, eq, or } from 'drizzle-orm';
import { modelGrants, models, projects } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ModelOwnership {
  id: string;
  name: string;
  owner: { id: string; slug: string } | null;
}

/** A model by name (API, CLI) or id (the pages' forms), with its owning project. */
export async function findModelOwnership(db: DbOrTx, ref: string): Promise<ModelOwnership> {
  const [row] = await db
    .select({ id: models.id, name: models.name, ownerId: projects.id, ownerSlug: projects.slug })
    .from(models)
    .leftJoin(projects, eq(projects.id, models.ownerProjectId))
    .where(UUID.test(ref) ? or(eq(models.id, ref), eq(models.name, ref)) : eq(models.name, ref))
    .limit(1);
  if (!row) throw new AppError('not_found', `no model named ${ref}`);
  return { id: row.id, name: row.name, owner: row.ownerId && row.ownerSlug ? { id: row.ownerId, slug: row.ownerSlug } : null };
}

/**
 * Whether a project may run a model: it owns it, holds a grant for it, or the model has no owner
 * (registered before ownership, or without --project). A refusal names the model, the project and
 * who can change that.
 */
export async function assertProjectMayUseModel(db: DbOrTx, p: { model: string; projectId: string; unknownOk?: boolean }): Promise<void> {
  const m = await findModelOwnership(db, p.model).catch((err) => {
    if (p.unknownOk) return null;
    throw err;
  });
  if (!m?.owner || m.owner.id === p.projectId) return;
  const [grant] = await db
    .select({ projectId: modelGrants.projectId })
    .from(modelGrants)
    .where(and(eq(modelGrants.modelId, m.id), eq(modelGrants.projectId, p.projectId)))
    .limit(1);
  if (grant) return;
  const [project] = await db.select({ slug: projects.slug }).from(projects).where(eq(projects.id, p.projectId));
  throw new AppError(
    'forbidden',
    `project ${project?.slug ?? p.projectId} may not use model ${m.name}: it belongs to project ${m.owner.slug}, whose operators or admins can grant it to your project`,
    { model: m.name, project: project?.slug ?? p.projectId, owner: m.owner.slug },
  );
}

/** The projects a model serves: its owner and every project granted it. */
export async function projectsGrantedModel(db: DbOrTx, modelId: string): Promise<string[]> {
  const [m] = await db.select({ owner: models.ownerProjectId }).from(models).where(eq(models.id, modelId));
  const grants = await db.select({ projectId: modelGrants.projectId }).from(modelGrants).where(eq(modelGrants.modelId, modelId));
  return [...new Set([...(m?.owner ? [m.owner] : []), ...grants.map((g) => g.projectId)])];
}
