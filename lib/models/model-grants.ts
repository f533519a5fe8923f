import { and, asc, eq } from 'drizzle-orm';
import { modelGrants, projects, users } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import type { ModelOwnership } from './model-access';

export interface GrantView {
  project: string;
  grantedBy: string | null;
  grantedAt: string;
}

/** A project by slug, for granting: a clear refusal when there is none. */
export async function findGrantee(db: DbOrTx, slug: string): Promise<{ id: string; slug: string }> {
  const [p] = await db.select({ id: projects.id, slug: projects.slug }).from(projects).where(eq(projects.slug, slug));
  if (!p) throw new AppError('not_found', `project ${slug} not found`, { field: 'project' });
  return p;
}

/** The projects granted a model (besides its owner), oldest grant first. */
export async function listModelGrants(db: DbOrTx, modelId: string): Promise<GrantView[]> {
  const rows = await db
    .select({ project: projects.slug, grantedBy: users.email, grantedAt: modelGrants.grantedAt })
    .from(modelGrants)
    .innerJoin(projects, eq(projects.id, modelGrants.projectId))
    .leftJoin(users, eq(users.id, modelGrants.grantedBy))
    .where(eq(modelGrants.modelId, modelId))
    .orderBy(asc(modelGrants.grantedAt), asc(projects.slug));
  return rows.map((r) => ({ ...r, grantedAt: r.grantedAt.toISOString() }));
}

/** Lets `project` run the model; granting again changes nothing (created: false). */
export async function grantModel(
  db: DbOrTx,
  p: { model: ModelOwnership; project: { id: string; slug: string }; grantedBy: string },
): Promise<{ created: boolean }> {
  if (p.model.owner?.id === p.project.id) throw new AppError('conflict', `project ${p.project.slug} owns ${p.model.name}: it needs no grant`);
  const rows = await db
    .insert(modelGrants)
    .values({ modelId: p.model.id, projectId: p.project.id, grantedBy: p.grantedBy })
    .onConflictDoNothing()
    .returning({ projectId: modelGrants.projectId });
  return { created: rows.length > 0 };
}

/** Takes the grant back: the project's new runs of the model are refused from now on (its past runs stay). */
export async function revokeModel(db: DbOrTx, p: { model: ModelOwnership; project: { id: string; slug: string } }): Promise<void> {
  if (p.model.owner?.id === p.project.id) throw new AppError('conflict', `project ${p.project.slug} owns ${p.model.name}: its use cannot be revoked`);
  const rows = await db
    .delete(modelGrants)
    .where(and(eq(modelGrants.modelId, p.model.id), eq(modelGrants.projectId, p.project.id)))
    .returning({ projectId: modelGrants.projectId });
  if (!rows.length) throw new AppError('not_found', `project ${p.project.slug} holds no grant for ${p.model.name}`);
}
