import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { users } from '@/db/schema';
import { appendAuditEvent } from '../audit/append-audit-event';
import type { Db } from '../db';
import { burnPasswordCheck, hashPassword, verifyPassword } from './password';
import { SIGN_IN_REFUSALS } from './sign-in-refusals';
import { activeSignInLock, clearSignInFailures, recordSignInFailure } from './sign-in-throttle';

export type TSignInResult =
  | { ok: true; user: { id: string; email: string; name: string } }
  | { ok: false; reason: 'invalid' | 'throttled' | 'deactivated'; message: string; retryAfterS?: number };

/** One generic answer for an unknown email and a wrong password: it must not tell which it was. */
export const INVALID_CREDENTIALS = 'Wrong email or password.';

/**
 * Email + password sign-in (the credentials provider): throttled per account and per address,
 * the same work for unknown emails as for known ones, the hash upgraded to the current scrypt
 * parameters on success, and every outcome audited (auth.signin: success, failure, denied when
 * throttled). The password never reaches the log; the email as typed does (as actor label).
 */
export async function signInWithPassword(db: Db, p: { email: string; password: string; address: string | null; now?: Date }): Promise<TSignInResult> {
  const now = p.now ?? new Date();
  const email = p.email.trim().toLowerCase();
  const requestId = randomUUID();
  const audit = (outcome: 'success' | 'failure' | 'denied', details: Record<string, unknown>, actorId?: string) =>
    db.transaction((tx) =>
      appendAuditEvent(tx, {
        actorId: actorId ?? null,
        actorLabel: email,
        action: 'auth.signin',
        outcome,
        requestId,
        details: { address: p.address, ...details },
      }),
    );

  const lock = await activeSignInLock(db, { email, address: p.address, now });
  if (lock) {
    await audit('denied', { reason: 'throttled', scope: lock.scope, retryAfterS: lock.retryAfterS });
    const whose = lock.scope === 'account' ? 'for this account' : 'from your network address';
    return { ok: false, reason: 'throttled', retryAfterS: lock.retryAfterS, message: `Too many failed sign-ins ${whose}. Try again in ${lock.retryAfterS} s.` };
  }

  const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  let ok = false;
  let rehash = false;
  if (user?.passwordHash) ({ ok, rehash } = await verifyPassword(p.password, user.passwordHash));
  else await burnPasswordCheck(p.password);

  if (!user || !ok) {
    await recordSignInFailure(db, { email, address: p.address, now });
    await audit('failure', { reason: 'bad credentials' });
    return { ok: false, reason: 'invalid', message: INVALID_CREDENTIALS };
  }
  // only the holder of the right password learns that the account exists and is deactivated
  if (user.deactivatedAt) {
    await audit('denied', { reason: 'deactivated' }, user.id);
    return { ok: false, reason: 'deactivated', message: SIGN_IN_REFUSALS.deactivated };
  }
  await clearSignInFailures(db, { email });
  if (rehash)
    await db
      .update(users)
      .set({ passwordHash: await hashPassword(p.password) })
      .where(eq(users.id, user.id));
  await audit('success', rehash ? { rehashed: true } : {}, user.id);
  return { ok: true, user: { id: user.id, email: user.email, name: user.name } };
}
