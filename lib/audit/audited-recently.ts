import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { auditEvents, auditPendingEvents } from '@/db/schema';
import type { DbOrTx } from '../db';

// The class of the two-key advisory locks below (a key space apart from the chain lock's one-key form).
const AUDIT_ONCE_LOCK_CLASS = 0x5eef11;

/**
 * Whether this actor's `action` on this target already has a success event in the last `seconds`,
 * chained or still pending. Takes a lock of this actor, action and target only (held to the end of
 * the transaction), so two concurrent requests of the same reader cannot both find none and both
 * append, while other reads go on.
 */
export async function auditedRecently(
  tx: DbOrTx,
  e: { actorId: string; action: string; targetType: string | null; targetId: string | null; seconds: number },
): Promise<boolean> {
  const key = JSON.stringify([e.actorId, e.action, e.targetType, e.targetId]);
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_ONCE_LOCK_CLASS}, hashtext(${key}))`);
  const since = new Date(Date.now() - e.seconds * 1000);
  for (const t of [auditPendingEvents, auditEvents]) {
    const [hit] = await tx
      .select({ at: t.at })
      .from(t)
      .where(
        and(
          eq(t.actorId, e.actorId),
          eq(t.action, e.action),
          e.targetType === null ? isNull(t.targetType) : eq(t.targetType, e.targetType),
          e.targetId === null ? isNull(t.targetId) : eq(t.targetId, e.targetId),
          eq(t.outcome, 'success'),
          gt(t.at, since),
        ),
      )
      .limit(1);
    if (hit) return true;
  }
  return false;
}
