import { and, desc, eq, gte, like, lt, type SQL } from 'drizzle-orm';
import { auditEvents, type AuditEvent } from '@/db/schema';
import type { DbOrTx } from '../db';
import type { TAuditFilter } from './audit-query';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The WHERE of one project's log under a filter (each filter has an index with project_id first: migration 0012). */
export function auditWhere(projectId: string, f: TAuditFilter, beforeSeq?: number): SQL | undefined {
  const action = f.action
    ? /[.*]$/.test(f.action)
      ? like(auditEvents.action, `${escapeLike(f.action.replace(/\*$/, ''))}%`)
      : eq(auditEvents.action, f.action)
    : undefined;
  const [targetType, ...rest] = f.target?.split(':') ?? [];
  const targetId = rest.join(':');
  return and(
    eq(auditEvents.projectId, projectId),
    f.actor ? (UUID.test(f.actor) ? eq(auditEvents.actorId, f.actor) : eq(auditEvents.actorLabel, f.actor)) : undefined,
    action,
    targetType ? eq(auditEvents.targetType, targetType) : undefined,
    targetId ? eq(auditEvents.targetId, targetId) : undefined,
    f.outcome ? eq(auditEvents.outcome, f.outcome) : undefined,
    f.from ? gte(auditEvents.at, f.from) : undefined,
    f.to ? lt(auditEvents.at, f.to) : undefined,
    beforeSeq ? lt(auditEvents.seq, beforeSeq) : undefined,
  );
}

/**
 * One page of a project's log, newest first (an admin sees their own project's log, never
 * another's): keyset on `seq`, no OFFSET; `nextCursor` is the seq to pass as `cursor` for the next
 * page, null on the last.
 */
export async function listAuditEvents(
  db: DbOrTx,
  p: { projectId: string; filter?: TAuditFilter; cursor?: number; limit?: number },
): Promise<{ events: AuditEvent[]; nextCursor: number | null }> {
  const limit = p.limit ?? 100;
  const rows = await db
    .select()
    .from(auditEvents)
    .where(auditWhere(p.projectId, p.filter ?? {}, p.cursor))
    .orderBy(desc(auditEvents.seq))
    .limit(limit + 1);
  const events = rows.slice(0, limit);
  return { events, nextCursor: rows.length > limit ? events[events.length - 1].seq : null };
}
