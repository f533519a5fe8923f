import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { auditEvents } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AUDIT_CHAIN_LOCK } from './append-audit-event';

/**
 * Whether this actor's `action` on this target already has a success event in the last `seconds`.
 * Takes the chain lock first (held to the end of the transaction, as the append that may follow
 * takes it too), so two concurrent requests cannot both find none and both append.
 */
export async function auditedRecently(
  tx: DbOrTx,
  e: { actorId: string; action: string; targetType: string | null; targetId: string | null; seconds: number },
): Promise<boolean> {
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
  const since = new Date(Date.now() - e.seconds * 1000);
  const [hit] = await tx
    .select({ seq: auditEvents.seq })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.actorId, e.actorId),
        eq(auditEvents.action, e.action),
        e.targetType === null ? isNull(auditEvents.targetType) : eq(auditEvents.targetType, e.targetType),
        e.targetId === null ? isNull(auditEvents.targetId) : eq(auditEvents.targetId, e.targetId),
        eq(auditEvents.outcome, 'success'),
        gt(auditEvents.at, since),
      ),
    )
    .limit(1);
  return Boolean(hit);
}
