import { asc, desc, inArray, sql } from 'drizzle-orm';
import { auditEvents, auditPendingEvents } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AUDIT_CHAIN_LOCK } from './append-audit-event';
import { GENESIS_HASH, hashAuditEvent } from './event-hash';

/**
 * Links pending events (reads) into the hash chain, oldest first, in batches: each batch is one
 * transaction under the chain lock that appends the events chained (keeping their time, actor and
 * details; `pending_id` names where each came from) and removes them from the pending table, so an
 * event is always in exactly one of the two. Safe to run in several processes at once (the lock
 * serialises them; a batch sees only what the one before it left). Returns how many it chained.
 */
export async function chainPendingAuditEvents(db: DbOrTx, opts: { batch?: number } = {}): Promise<number> {
  const batch = opts.batch ?? 500;
  let total = 0;
  for (;;) {
    const n = await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
      const pending = await tx.select().from(auditPendingEvents).orderBy(asc(auditPendingEvents.id)).limit(batch);
      if (!pending.length) return 0;
      const [last] = await tx.select({ hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1);
      let prevHash = last?.hash ?? GENESIS_HASH;
      const rows = pending.map(({ id, ...fields }) => {
        const hash = hashAuditEvent(prevHash, fields);
        const row = { ...fields, prevHash, hash, pendingId: id };
        prevHash = hash;
        return row;
      });
      await tx.insert(auditEvents).values(rows);
      await tx.delete(auditPendingEvents).where(
        inArray(
          auditPendingEvents.id,
          pending.map((p) => p.id),
        ),
      );
      return pending.length;
    });
    total += n;
    if (n < batch) return total;
  }
}
