import { desc } from 'drizzle-orm';
import { auditEvents, type AuditEvent } from '@/db/schema';
import type { DbOrTx } from '../db';

export async function listAuditEvents(db: DbOrTx, p: { limit?: number } = {}): Promise<AuditEvent[]> {
  return db.select().from(auditEvents).orderBy(desc(auditEvents.seq)).limit(p.limit ?? 200);
}
