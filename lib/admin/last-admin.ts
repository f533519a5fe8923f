/** A project always keeps an admin: removing, demoting or deactivating its last one is refused. */
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import { memberships, users } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';

/**
 * Throws unless the project has an active admin other than `userId`; call before taking `userId`'s
 * admin role away, in the same transaction. Two admins demoting each other at once are serialised
 * by a lock on the project's admin set, so one of them stays.
 */
export async function assertAnotherAdmin(tx: DbOrTx, p: { projectId: string; projectSlug: string; userId: string; what: string }): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`segflow-admins:${p.projectId}`}))`);
  const [other] = await tx
    .select({ id: memberships.userId })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.projectId, p.projectId), eq(memberships.role, 'admin'), ne(memberships.userId, p.userId), isNull(users.deactivatedAt)))
    .limit(1);
  if (!other) throw new AppError('conflict', `${p.what}: this is the last admin of project ${p.projectSlug}; make another member admin first`);
}
