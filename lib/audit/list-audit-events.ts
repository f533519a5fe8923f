import { desc, eq } from 'drizzle-orm';
import { auditEvents, type AuditEvent } from '@/db/schema';
import type { DbOrTx } from '../db';

/** The newest events of one project (an admin sees their own project's log, never another's). */
export async function listAuditEvents(db: DbOrTx, p: { projectId: string; limit?: number }): Promise<AuditEvent[]> {
  return db
    .select()
    .from(auditEvents)
    .where(eq(auditEvents.projectId, p.projectId))
    .orderBy(desc(auditEvents.seq))
    .limit(p.limit ?? 200);
}
