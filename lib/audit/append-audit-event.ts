import { desc, sql } from 'drizzle-orm';
import { auditEvents } from '@/db/schema';
import type { DbOrTx } from '../db';
import { GENESIS_HASH, hashAuditEvent, type AuditEventFields } from './event-hash';

// Serialises appends so the chain never forks; held until the surrounding transaction ends.
// Reads do not take it: they append pending events (append-pending-audit-event.ts).
export const AUDIT_CHAIN_LOCK = 0x5eef10;

export type NewAuditEvent = Omit<AuditEventFields, 'at' | 'details' | 'targetType' | 'targetId' | 'projectId' | 'actorId'> &
  Partial<Pick<AuditEventFields, 'details' | 'targetType' | 'targetId' | 'projectId' | 'actorId'>>;

/** The stored fields of a new event, stamped now. */
export function auditEventFields(e: NewAuditEvent): AuditEventFields {
  // Millisecond precision: the stored timestamptz reads back to the same ISO string for verification.
  return {
    at: new Date(),
    actorId: e.actorId ?? null,
    actorLabel: e.actorLabel,
    action: e.action,
    targetType: e.targetType ?? null,
    targetId: e.targetId ?? null,
    projectId: e.projectId ?? null,
    outcome: e.outcome,
    requestId: e.requestId,
    details: e.details ?? {},
  };
}

/**
 * Appends one event to the hash chain. Call it with the transaction of the action it records, so the
 * event and the action commit (or roll back) together.
 */
export async function appendAuditEvent(tx: DbOrTx, e: NewAuditEvent): Promise<{ seq: number; hash: string }> {
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
  const [last] = await tx.select({ hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1);
  const prevHash = last?.hash ?? GENESIS_HASH;
  const fields = auditEventFields(e);
  const hash = hashAuditEvent(prevHash, fields);
  const [row] = await tx
    .insert(auditEvents)
    .values({ ...fields, prevHash, hash })
    .returning({ seq: auditEvents.seq });
  return { seq: row.seq, hash };
}
