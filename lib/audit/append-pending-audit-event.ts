import { sql } from 'drizzle-orm';
import { auditPendingEvents } from '@/db/schema';
import { builtOnce } from '../built-query';
import type { DbOrTx } from '../db';
import { auditEventFields, type NewAuditEvent } from './append-audit-event';
import type { AuditEventFields } from './event-hash';

/**
 * Records one event of a read, durably, without the chain lock: reads never queue behind each other
 * on the audit log. The event is in the audit log (listed, counted by `auditedRecently`, undeletable)
 * as soon as its statement (or the read's transaction, when there is one) commits; the chainer
 * (chain-pending-audit-events.ts) links it into the hash chain in order within seconds.
 */
export async function appendPendingAuditEvent(tx: DbOrTx, e: NewAuditEvent): Promise<{ pendingId: number }> {
  const [row] = await insertPending(tx, auditEventFields(e));
  return { pendingId: row.id };
}

// one per read: its SQL text built once (lib/built-query.ts); every field of AuditEventFields a placeholder
const insertPending = builtOnce<Record<keyof AuditEventFields, unknown>, { id: number }[]>('append_pending_audit_event', (db) =>
  db
    .insert(auditPendingEvents)
    .values({
      at: sql.placeholder('at'),
      actorId: sql.placeholder('actorId'),
      actorLabel: sql.placeholder('actorLabel'),
      action: sql.placeholder('action'),
      targetType: sql.placeholder('targetType'),
      targetId: sql.placeholder('targetId'),
      projectId: sql.placeholder('projectId'),
      outcome: sql.placeholder('outcome'),
      requestId: sql.placeholder('requestId'),
      details: sql.placeholder('details'),
    })
    .returning({ id: auditPendingEvents.id }),
);
