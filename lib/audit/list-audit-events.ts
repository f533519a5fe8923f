import { and, count, desc, eq, gte, like, lt, type SQL } from 'drizzle-orm';
import { auditEvents, auditPendingEvents, type AuditEvent } from '@/db/schema';
import type { DbOrTx } from '../db';
import type { TAuditFilter } from './audit-query';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

type EventTable = typeof auditEvents | typeof auditPendingEvents;

/** The WHERE of one project's log under a filter, on the chained or the pending events (each filter has an index with project_id first). */
export function auditWhere(projectId: string, f: TAuditFilter, beforeSeq?: number, t: EventTable = auditEvents): SQL | undefined {
  const action = f.action ? (/[.*]$/.test(f.action) ? like(t.action, `${escapeLike(f.action.replace(/\*$/, ''))}%`) : eq(t.action, f.action)) : undefined;
  const [targetType, ...rest] = f.target?.split(':') ?? [];
  const targetId = rest.join(':');
  return and(
    eq(t.projectId, projectId),
    f.actor ? (UUID.test(f.actor) ? eq(t.actorId, f.actor) : eq(t.actorLabel, f.actor)) : undefined,
    action,
    targetType ? eq(t.targetType, targetType) : undefined,
    targetId ? eq(t.targetId, targetId) : undefined,
    f.outcome ? eq(t.outcome, f.outcome) : undefined,
    f.from ? gte(t.at, f.from) : undefined,
    f.to ? lt(t.at, f.to) : undefined,
    beforeSeq && t === auditEvents ? lt(auditEvents.seq, beforeSeq) : undefined,
  );
}

/** A listed event: chained (seq, hashes) or pending (recorded, not yet linked into the chain: those null). */
export type TListedAuditEvent = Omit<AuditEvent, 'seq' | 'hash' | 'prevHash' | 'pendingId'> & {
  key: string;
  seq: number | null;
  hash: string | null;
  prevHash: string | null;
};

/**
 * One page of a project's log, newest first (an admin sees their own project's log, never
 * another's). The first page starts with the events recorded but not yet chained (reads, linked
 * into the hash chain within seconds: they are the newest); then the chain, keyset on `seq`, no
 * OFFSET; `nextCursor` is the seq to pass as `cursor` for the next page, null on the last.
 */
export async function listAuditEvents(
  db: DbOrTx,
  p: { projectId: string; filter?: TAuditFilter; cursor?: number; limit?: number },
): Promise<{ events: TListedAuditEvent[]; nextCursor: number | null }> {
  const limit = p.limit ?? 100;
  const filter = p.filter ?? {};
  const pending = p.cursor
    ? []
    : await db
        .select()
        .from(auditPendingEvents)
        .where(auditWhere(p.projectId, filter, undefined, auditPendingEvents))
        .orderBy(desc(auditPendingEvents.id))
        .limit(limit);
  const rows = await db
    .select()
    .from(auditEvents)
    .where(auditWhere(p.projectId, filter, p.cursor))
    .orderBy(desc(auditEvents.seq))
    .limit(limit + 1);
  const chained = rows.slice(0, limit);
  return {
    events: [
      ...pending.map(({ id, ...e }) => ({ ...e, key: `pending-${id}`, seq: null, hash: null, prevHash: null })),
      ...chained.map(({ pendingId: _pending, ...e }) => ({ ...e, key: `seq-${e.seq}` })),
    ],
    nextCursor: rows.length > limit ? chained[chained.length - 1].seq : null,
  };
}

/** How many events are recorded but not yet linked into the hash chain (the chainer's backlog). */
export async function countPendingAuditEvents(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ n: count() }).from(auditPendingEvents);
  return row.n;
}
