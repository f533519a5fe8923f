import type { Actor } from '../auth/actor';
import { can } from '../auth/permissions';

/** The projects whose cases a user may review: every membership granting review:read, not only the first. */
export function reviewProjectIds(actor: Actor): string[] {
  return actor.memberships.filter((m) => can(m.role, 'review:read')).map((m) => m.projectId);
}
