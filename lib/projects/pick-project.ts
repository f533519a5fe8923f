import type { Actor } from '../auth/actor';
import { can, type Permission } from '../auth/permissions';

/** The project a page shows: the one asked for, else the actor's first project granting `permission`. */
export function pickProject(actor: Actor, permission: Permission, requested?: string | null): string | null {
  if (requested) return requested;
  return actor.memberships.find((m) => can(m.role, permission))?.slug ?? null;
}
