import { count, desc, eq } from 'drizzle-orm';
import { auditEvents, auditPendingEvents, type AuditEvent } from '@/db/schema';
import type { DbOrTx } from '../db';

/** A listed event: chained (seq, hash) or pending (recorded, not yet linked into the chain: both null). */
export type TListedAuditEvent = Omit<AuditEvent, 'seq' | 'hash' | 'prevHash' | 'pendingId'> & { key: string; seq: number | null; hash: string | null };

/**
 * The newest events of one project (an admin sees their own project's log, never another's): the
 * pending ones first (they are the newest), then the chain, newest first, `limit` in all.
 */
export async function listAuditEvents(db: DbOrTx, p: { projectId: string; limit?: number }): Promise<TListedAuditEvent[]> {
  const limit = p.limit ?? 200;
  const pending = await db
    .select()
    .from(auditPendingEvents)
    .where(eq(auditPendingEvents.projectId, p.projectId))
    .orderBy(desc(auditPendingEvents.id))
    .limit(limit);
  const chained = await db
    .select()
    .from(auditEvents)
    .where(eq(auditEvents.projectId, p.projectId))
    .orderBy(desc(auditEvents.seq))
    .limit(limit - pending.length);
  return [
    ...pending.map(({ id, ...e }) => ({ ...e, key: `pending-${id}`, seq: null, hash: null })),
    ...chained.map(({ prevHash: _prev, pendingId: _pending, ...e }) => ({ ...e, key: `seq-${e.seq}` })),
  ];
}

/** How many events are recorded but not yet linked into the hash chain (the chainer's backlog). */
export async function countPendingAuditEvents(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ n: count() }).from(auditPendingEvents);
  return row.n;
}
