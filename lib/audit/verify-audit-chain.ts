import { asc, gt } from 'drizzle-orm';
import { auditEvents } from '@/db/schema';
import type { DbOrTx } from '../db';
import { GENESIS_HASH, hashAuditEvent } from './event-hash';

export type AuditChainResult = { ok: true; events: number; head: string; headSeq: number } | { ok: false; events: number; badSeq: number; problem: string };

/**
 * Walks the chain in order, in pages, and names the first event whose hash does not hold: the whole
 * chain, or with `from` only the events after a known one (the checkpoint writer checks what it is
 * about to sign continues the last checkpoint).
 */
export async function verifyAuditChain(db: DbOrTx, opts: { pageSize?: number; from?: { seq: number; hash: string } } = {}): Promise<AuditChainResult> {
  const pageSize = opts.pageSize ?? 1000;
  let prevHash = opts.from?.hash ?? GENESIS_HASH;
  let lastSeq = opts.from?.seq ?? 0;
  let count = 0;
  for (;;) {
    const rows = await db.select().from(auditEvents).where(gt(auditEvents.seq, lastSeq)).orderBy(asc(auditEvents.seq)).limit(pageSize);
    if (rows.length === 0) return { ok: true, events: count, head: prevHash, headSeq: lastSeq };
    for (const r of rows) {
      if (r.prevHash !== prevHash) {
        return { ok: false, events: count, badSeq: r.seq, problem: 'prev_hash does not match the previous event (an event was removed or reordered)' };
      }
      const expected = hashAuditEvent(prevHash, {
        at: new Date(r.at),
        actorId: r.actorId,
        actorLabel: r.actorLabel,
        action: r.action,
        targetType: r.targetType,
        targetId: r.targetId,
        projectId: r.projectId,
        outcome: r.outcome,
        requestId: r.requestId,
        details: r.details,
      });
      if (expected !== r.hash) {
        return { ok: false, events: count, badSeq: r.seq, problem: `hash mismatch: event ${r.seq} (${r.action}) was changed after it was written` };
      }
      prevHash = r.hash;
      lastSeq = r.seq;
      count++;
    }
  }
}
