import type { Actor } from '../auth/actor';
import { can, type Permission } from '../auth/permissions';

/**
 * The project a page shows: the one asked for, else the actor's first project granting `permission`,
 * else their first project at all (so a refusal names, and is audited against, a real project).
 */
export function pickProject(actor: Actor, permission: Permission, requested?: string | null): string | null {
  if (requested) return requested;
  return (actor.memberships.find((m) => can(m.role, permission)) ?? actor.memberships[0])?.slug ?? null;
}
