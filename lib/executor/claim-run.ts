import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { runs, type Run } from '@/db/schema';
import type { DbOrTx } from '../db';

/**
 * Claiming runs: the one query every executor takes work with, and the lease that keeps it.
 *
 * A claim is one UPDATE of the oldest claimable run, chosen with FOR UPDATE SKIP LOCKED: two
 * executors claiming at once never get the same run (the second skips the row the first holds). A
 * run is claimable when it is queued, or running with a lease that lapsed — its executor died or was
 * cut off, and did not renew the lease with its heartbeat (renewLeases) in time. A live executor's
 * runs are never taken from it, however many executors share the database.
 */

/** An executor's identity in runs.claimed_by: which machine, which process, and a tag for this start. */
export function executorOwner(kind: string): string {
  return `${kind}:${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`;
}

/**
 * Claims the oldest claimable run of this executor kind (`runs.executor`) for `owner`, with a lease
 * of `leaseS` seconds; null when there is none. The run is `running` from here on.
 */
export async function claimNextRun(db: DbOrTx, p: { executor: string; owner: string; leaseS: number }): Promise<string | null> {
  const rows = (await db.execute(sql`
    UPDATE runs
       SET status = 'running',
           claimed_by = ${p.owner},
           lease_expires_at = now() + make_interval(secs => ${p.leaseS}),
           started_at = coalesce(started_at, now())
     WHERE id = (
       SELECT id FROM runs
        WHERE executor = ${p.executor}
          AND (status = 'queued' OR (status = 'running' AND lease_expires_at < now()))
        ORDER BY created_at
        LIMIT 1
        FOR UPDATE SKIP LOCKED)
    RETURNING id`)) as unknown as { id: string }[];
  return rows[0]?.id ?? null;
}

/** The heartbeat: moves the lease of the runs `owner` still holds on; answers which those are (a run not among them was taken back or ended). */
export async function renewLeases(db: DbOrTx, p: { owner: string; runIds: string[]; leaseS: number }): Promise<Set<string>> {
  if (!p.runIds.length) return new Set();
  const held = await db
    .update(runs)
    .set({ leaseExpiresAt: sql`now() + make_interval(secs => ${p.leaseS})` })
    .where(and(inArray(runs.id, p.runIds), eq(runs.claimedBy, p.owner), eq(runs.status, 'running')))
    .returning({ id: runs.id });
  return new Set(held.map((r) => r.id));
}

/**
 * Hands a run back: queued again, claimed by nobody, so the next executor to poll takes it (and
 * resumes after its last finished step). Only the holder can (`owner`; omitted: whoever holds it).
 */
export async function handBackRun(db: DbOrTx, p: { runId: string; owner?: string }): Promise<Run | null> {
  const [row] = await db
    .update(runs)
    .set({ status: 'queued', claimedBy: null, leaseExpiresAt: null, externalId: null })
    .where(and(eq(runs.id, p.runId), eq(runs.status, 'running'), p.owner ? eq(runs.claimedBy, p.owner) : undefined))
    .returning();
  return row ?? null;
}
