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
 *
 * No query: the actor's memberships (lib/auth/actor.ts, read fresh for each request) name every
 * project it may reach, with its id and slug; an archived project is among them only for its
 * admins. A project outside them answers "not found" whether or not it exists.
 */
export function authorize(actor: Actor, permission: Permission, projectRef: string | null): Authorized {
  if (projectRef == null) {
    const m = actor.memberships.find((x) => can(x.role, permission));
    if (!m) throw new AppError('forbidden', `your role does not allow ${permission}`);
    return { project: null, role: m.role };
  }
  // by id first (ids are stored lower-case; a caller may write one in capitals), then by slug
  const id = UUID.test(projectRef) ? projectRef.toLowerCase() : null;
  const membership = (id && actor.memberships.find((m) => m.projectId === id)) || actor.memberships.find((m) => m.slug === projectRef);
  if (!membership) throw new AppError('not_found', `project ${projectRef} not found`);
  const project = { id: membership.projectId, slug: membership.slug };
  if (!can(membership.role, permission)) {
    throw new AppError('forbidden', `your role (${membership.role}) in project ${project.slug} does not allow ${permission}`, { projectId: project.id });
  }
  return { project, role: membership.role };
}
