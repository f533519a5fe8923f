import { and, eq, or, sql } from 'drizzle-orm';
import { signInThrottle } from '@/db/schema';
import type { DbOrTx } from '../db';

/**
 * Failed sign-in throttling, per account and per client address (db/schema/sign-in.ts). The first
 * few failures are free; after that each failure doubles the wait before the next attempt is even
 * checked (1 s, 2 s, 4 s … at most 15 min). Failures older than a day are forgotten.
 */
export const THROTTLE_POLICY = {
  account: { freeFailures: 5 },
  // one address may be a whole office behind NAT: more slack than one account
  address: { freeFailures: 20 },
  maxLockS: 15 * 60,
  windowS: 24 * 60 * 60,
} as const;

type Scope = 'account' | 'address';
const keysOf = (p: { email: string; address: string | null }): [Scope, string][] => [
  ['account', p.email],
  ...(p.address ? ([['address', p.address]] as [Scope, string][]) : []),
];

/** The lock in force for this account or address, if any: which, and how many seconds are left. */
export async function activeSignInLock(
  db: DbOrTx,
  p: { email: string; address: string | null; now: Date },
): Promise<{ scope: Scope; retryAfterS: number } | null> {
  const rows = await db
    .select({ scope: signInThrottle.scope, lockedUntil: signInThrottle.lockedUntil })
    .from(signInThrottle)
    .where(or(...keysOf(p).map(([scope, key]) => and(eq(signInThrottle.scope, scope), eq(signInThrottle.key, key)))));
  let worst: { scope: Scope; retryAfterS: number } | null = null;
  for (const r of rows) {
    const left = r.lockedUntil ? Math.ceil((r.lockedUntil.getTime() - p.now.getTime()) / 1000) : 0;
    if (left > 0 && (!worst || left > worst.retryAfterS)) worst = { scope: r.scope, retryAfterS: left };
  }
  return worst;
}

/** Counts one failure for the account and the address, and sets their back-off. */
export async function recordSignInFailure(db: DbOrTx, p: { email: string; address: string | null; now: Date }): Promise<void> {
  for (const [scope, key] of keysOf(p)) {
    const free = THROTTLE_POLICY[scope].freeFailures;
    const stale = new Date(p.now.getTime() - THROTTLE_POLICY.windowS * 1000);
    const failures = sql`case when ${signInThrottle.lastFailureAt} < ${stale.toISOString()}::timestamptz then 1 else ${signInThrottle.failures} + 1 end`;
    const [row] = await db
      .insert(signInThrottle)
      .values({ scope, key, failures: 1, lastFailureAt: p.now })
      .onConflictDoUpdate({ target: [signInThrottle.scope, signInThrottle.key], set: { failures, lastFailureAt: p.now } })
      .returning({ failures: signInThrottle.failures });
    const over = row.failures - free;
    const lockedUntil = over > 0 ? new Date(p.now.getTime() + Math.min(2 ** (over - 1), THROTTLE_POLICY.maxLockS) * 1000) : null;
    await db
      .update(signInThrottle)
      .set({ lockedUntil })
      .where(and(eq(signInThrottle.scope, scope), eq(signInThrottle.key, key)));
  }
}

/** A successful sign-in clears the account's failures (not the address's: one good account must not reset it). */
export async function clearSignInFailures(db: DbOrTx, p: { email: string }): Promise<void> {
  await db.delete(signInThrottle).where(and(eq(signInThrottle.scope, 'account'), eq(signInThrottle.key, p.email)));
}
