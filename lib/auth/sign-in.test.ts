import { randomBytes, randomUUID, scryptSync } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, signInThrottle, users } from '@/db/schema';
import { getDb } from '../db';
import { authOptions } from './auth-options';
import { clientAddress } from './client-address';
import { hashPassword, verifyPassword } from './password';
import { INVALID_CREDENTIALS, signInWithPassword } from './sign-in-with-password';
import { THROTTLE_POLICY } from './sign-in-throttle';

const t0 = new Date('2026-06-01T12:00:00.000Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);

async function newUser(password: string, passwordHash?: string) {
  const email = `signin-${randomUUID()}@test.segflow`;
  const [u] = await getDb()
    .insert(users)
    .values({ email, name: 'Sign In', passwordHash: passwordHash ?? (await hashPassword(password)) })
    .returning();
  return u;
}
const address = () => `198.51.100.${Math.floor(Math.random() * 250)}-${randomUUID().slice(0, 8)}`;

describe('password hashes', () => {
  it('store their scrypt parameters (N = 2^17, r = 8, p = 1) and verify', async () => {
    const h = await hashPassword('correct horse');
    expect(h).toMatch(/^scrypt\$ln=17,r=8,p=1\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
    expect(await verifyPassword('correct horse', h)).toEqual({ ok: true, rehash: false });
    expect(await verifyPassword('wrong', h)).toEqual({ ok: false, rehash: false });
    // a stored hash may not make a sign-in cost more than we would ever choose
    expect(await verifyPassword('x', h.replace('ln=17', 'ln=30'))).toEqual({ ok: false, rehash: false });
  });
});

// scrypt at N = 2^17 takes up to seconds per check on a shared 2-core machine, and these cases make dozens.
describe('signing in with a password', { timeout: 180_000 }, () => {
  const db = getDb();

  it('an unknown email and a wrong password get the same answer, and both are audited as failures', async () => {
    const u = await newUser('pw-1');
    const unknown = await signInWithPassword(db, { email: `nobody-${randomUUID()}@test.segflow`, password: 'pw-1', address: address(), now: t0 });
    const wrong = await signInWithPassword(db, { email: u.email, password: 'not it', address: address(), now: t0 });
    expect(unknown).toEqual({ ok: false, reason: 'invalid', message: INVALID_CREDENTIALS });
    expect(wrong).toEqual(unknown);
    const events = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'auth.signin'), eq(auditEvents.actorLabel, u.email)));
    expect(events.map((e) => [e.outcome, e.details.reason])).toEqual([['failure', 'bad credentials']]);
    expect(JSON.stringify(events)).not.toContain('not it');
  });

  it('a deactivated account says so to the holder of its right password only; a wrong one gets the generic answer', async () => {
    const u = await newUser('pw-d');
    await db.update(users).set({ deactivatedAt: t0 }).where(eq(users.id, u.id));
    expect(await signInWithPassword(db, { email: u.email, password: 'pw-d', address: address(), now: t0 })).toEqual({
      ok: false,
      reason: 'deactivated',
      message: 'This account has been deactivated by an admin.',
    });
    expect(await signInWithPassword(db, { email: u.email, password: 'nope', address: address(), now: t0 })).toEqual({
      ok: false,
      reason: 'invalid',
      message: INVALID_CREDENTIALS,
    });
    const events = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'auth.signin'), eq(auditEvents.actorLabel, u.email)))
      .orderBy(auditEvents.seq);
    expect(events.map((e) => [e.outcome, e.details.reason])).toEqual([
      ['denied', 'deactivated'],
      ['failure', 'bad credentials'],
    ]);
  });

  it('after the free failures an account backs off exponentially, even for the right password; success clears it', async () => {
    const u = await newUser('right');
    const free = THROTTLE_POLICY.account.freeFailures;
    for (let i = 0; i < free; i++) expect((await signInWithPassword(db, { email: u.email, password: 'bad', address: address(), now: t0 })).ok).toBe(false);
    // the free failures lock nothing; the next failure locks for 1 s, then 2 s, then 4 s
    const lockAfter = async (failAt: Date) => {
      await signInWithPassword(db, { email: u.email, password: 'bad', address: address(), now: failAt });
      const [row] = await db
        .select()
        .from(signInThrottle)
        .where(and(eq(signInThrottle.scope, 'account'), eq(signInThrottle.key, u.email)));
      return (row.lockedUntil!.getTime() - failAt.getTime()) / 1000;
    };
    expect(await lockAfter(at(0))).toBe(1);
    expect(await lockAfter(at(10))).toBe(2);
    expect(await lockAfter(at(20))).toBe(4);

    const throttled = await signInWithPassword(db, { email: u.email, password: 'right', address: address(), now: at(21) });
    expect(throttled).toEqual({ ok: false, reason: 'throttled', retryAfterS: 3, message: 'Too many failed sign-ins for this account. Try again in 3 s.' });
    const [denied] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.actorLabel, u.email), eq(auditEvents.outcome, 'denied')));
    expect(denied.details).toMatchObject({ reason: 'throttled', scope: 'account', retryAfterS: 3 });

    expect(await signInWithPassword(db, { email: u.email, password: 'right', address: address(), now: at(25) })).toMatchObject({
      ok: true,
      user: { id: u.id },
    });
    expect(
      await db
        .select()
        .from(signInThrottle)
        .where(and(eq(signInThrottle.scope, 'account'), eq(signInThrottle.key, u.email))),
    ).toEqual([]);
  });

  it('one address failing on many accounts is throttled for every account', async () => {
    const from = address();
    const u = await newUser('mine');
    await Promise.all(
      Array.from({ length: THROTTLE_POLICY.address.freeFailures + 1 }, (_, i) =>
        signInWithPassword(db, { email: `spray-${i}-${randomUUID()}@test.segflow`, password: 'guess', address: from, now: t0 }),
      ),
    );
    const res = await signInWithPassword(db, { email: u.email, password: 'mine', address: from, now: t0 });
    expect(res).toMatchObject({ ok: false, reason: 'throttled', message: expect.stringMatching(/from your network address/) });
    expect((await signInWithPassword(db, { email: u.email, password: 'mine', address: address(), now: t0 })).ok).toBe(true);
  });

  it('a hash with older parameters is upgraded at sign-in', async () => {
    const salt = randomBytes(16);
    const legacy = `scrypt$${salt.toString('hex')}$${scryptSync('old-pw', salt, 32).toString('hex')}`;
    const u = await newUser('old-pw', legacy);
    expect(await signInWithPassword(db, { email: u.email, password: 'old-pw', address: address() })).toMatchObject({ ok: true });
    const [row] = await db.select().from(users).where(eq(users.id, u.id));
    expect(row.passwordHash).toMatch(/^scrypt\$ln=17,r=8,p=1\$/);
    expect((await verifyPassword('old-pw', row.passwordHash!)).ok).toBe(true);
  });

  it('the session cookie is HttpOnly and SameSite=Lax; the client address is the first forwarded hop', () => {
    expect(authOptions.cookies?.sessionToken?.options).toMatchObject({ httpOnly: true, sameSite: 'lax', path: '/' });
    expect(clientAddress({ 'x-forwarded-for': '203.0.113.7, 10.0.0.1' })).toBe('203.0.113.7');
    expect(clientAddress(new Headers({ 'x-real-ip': '203.0.113.8' }))).toBe('203.0.113.8');
    expect(clientAddress({})).toBeNull();
  });
});
