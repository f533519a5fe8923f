/**
 * The ownership model of administration: an admin is an admin of projects, not of the platform.
 * They manage the projects they administer (name, archive, members) and the users who belong only
 * to those projects; a user who is also a member of a project they do not administer is changed
 * (deactivated, reset) by no one but an admin of every project that user belongs to. Creating a
 * project or a user is open to any admin: the creator administers the new project, and a new user
 * belongs to no project until an admin adds them.
 */
import { eq, inArray } from 'drizzle-orm';
import { memberships, projects } from '@/db/schema';
import type { Actor } from '../auth/actor';
import type { DbOrTx } from '../db';

export function administeredProjectIds(actor: Actor): string[] {
  return actor.memberships.filter((m) => m.role === 'admin').map((m) => m.projectId);
}

/** the projects `userId` belongs to that `actor` does not administer (empty: the actor may change the user) */
export async function projectsBeyondActor(db: DbOrTx, actor: Actor, userId: string): Promise<{ id: string; slug: string }[]> {
  const mine = new Set(administeredProjectIds(actor));
  const rows = await db
    .select({ id: projects.id, slug: projects.slug })
    .from(memberships)
    .innerJoin(projects, eq(projects.id, memberships.projectId))
    .where(eq(memberships.userId, userId));
  return rows.filter((r) => !mine.has(r.id));
}

export async function projectSlugs(db: DbOrTx, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  return (await db.select({ slug: projects.slug }).from(projects).where(inArray(projects.id, ids))).map((r) => r.slug);
}
