import { and, asc, eq, gte, sql } from 'drizzle-orm';
import { slotEvents, users } from '@/db/schema';
import type { DbOrTx } from '../db';
import type { Candidate } from './get-candidate';

export interface PromotionRequest {
  eventId: string;
  actorId: string | null;
  actorEmail: string | null;
  at: Date;
  reason: string | null;
}

/**
 * The open promotion requests of a candidate: its gate_passed events since it entered its current
 * stage (for a canary, its current percent step) and after its last rejection there. An approval
 * moves it on and a rejection (lib/rollout/reject-promotion.ts) declines them: both close them.
 */
export async function promotionRequests(db: DbOrTx, c: Candidate): Promise<PromotionRequest[]> {
  return db
    .select({ eventId: slotEvents.id, actorId: slotEvents.actorId, actorEmail: users.email, at: slotEvents.createdAt, reason: slotEvents.reason })
    .from(slotEvents)
    .leftJoin(users, eq(users.id, slotEvents.actorId))
    .where(
      and(
        eq(slotEvents.slotId, c.slot.id),
        eq(slotEvents.versionId, c.version.id),
        eq(slotEvents.stage, c.stage),
        eq(slotEvents.state, 'gate_passed'),
        c.stage === 'canary' ? eq(slotEvents.canaryPercent, c.percent ?? 0) : undefined,
        c.entry ? gte(slotEvents.createdAt, sql`(select e.created_at from slot_events e where e.id = ${c.entry.id})`) : undefined,
        sql`${slotEvents.createdAt} > coalesce((select max(r.created_at) from slot_events r where r.slot_id = ${c.slot.id}
          and r.version_id = ${c.version.id} and r.stage = ${c.stage} and r.state = 'rejected'), '-infinity'::timestamptz)`,
      ),
    )
    .orderBy(asc(slotEvents.createdAt));
}
