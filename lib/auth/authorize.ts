import { eq, or } from 'drizzle-orm';
import { projects } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import type { Actor } from './actor';
import { can, type Permission, type Role } from './permissions';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Authorized {
  /** the target project, when the operation is project-scoped */
  project: { id: string; slug: string } | null;
  role: Role | null;
}

/**
 * Checks `permission` for `actor` on the target project (by id or slug). Without a project the
 * permission must come from some membership (global resources such as models). A project the actor
 * is not a member of answers "not found", so project ids cannot be probed.
 */
export async function authorize(db: DbOrTx, actor: Actor, permission: Permission, projectRef: string | null): Promise<Authorized> {
  if (projectRef == null) {
    const m = actor.memberships.find((x) => can(x.role, permission));
    if (!m) throw new AppError('forbidden', `your role does not allow ${permission}`);
    return { project: null, role: m.role };
  }
  const [project] = await db
    .select({ id: projects.id, slug: projects.slug })
    .from(projects)
    .where(UUID.test(projectRef) ? or(eq(projects.id, projectRef), eq(projects.slug, projectRef)) : eq(projects.slug, projectRef))
    .limit(1);
  const membership = project && actor.memberships.find((m) => m.projectId === project.id);
  if (!project || !membership) throw new AppError('not_found', `project ${projectRef} not found`);
  if (!can(membership.role, permission)) {
    throw new AppError('forbidden', `your role (${membership.role}) in project ${project.slug} does not allow ${permission}`, { projectId: project.id });
  }
  return { project, role: membership.role };
}
