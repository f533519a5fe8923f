import { auditPendingEvents } from '@/db/schema';
import type { DbOrTx } from '../db';
import { auditEventFields, type NewAuditEvent } from './append-audit-event';

/**
 * Records one event of a read, durably in the read's own transaction, without the chain lock: reads
 * never queue behind each other on the audit log. The event is in the audit log (listed, counted by
 * `auditedRecently`, undeletable) as soon as the transaction commits; the chainer
 * (chain-pending-audit-events.ts) links it into the hash chain in order within seconds.
 */
export async function appendPendingAuditEvent(tx: DbOrTx, e: NewAuditEvent): Promise<{ pendingId: number }> {
  const [row] = await tx.insert(auditPendingEvents).values(auditEventFields(e)).returning({ id: auditPendingEvents.id });
  return { pendingId: row.id };
}
