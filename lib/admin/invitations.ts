/**
 * One-time invitation links: the link sets a user's password once, then is used up. Only the
 * link's SHA-256 is stored; a new link (reset) voids the user's earlier ones. The link points at
 * the app's public URL (NEXTAUTH_URL, else the app URL).
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { invitations, users } from '@/db/schema';
import { appUrl, config } from '../config';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import { hashPassword } from '../auth/password';

export const INVITATION_LIFETIME_DAYS = 7;

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export function invitationUrl(token: string): string {
  return `${(config().auth.url ?? appUrl()).replace(/\/$/, '')}/invite/${token}`;
}

/** Issues a new link for the user, voiding any earlier unused one. */
export async function issueInvitation(tx: DbOrTx, p: { userId: string; createdBy: string | null }): Promise<{ url: string; expiresAt: Date }> {
  const now = new Date();
  await tx
    .update(invitations)
    .set({ usedAt: now })
    .where(and(eq(invitations.userId, p.userId), isNull(invitations.usedAt)));
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + INVITATION_LIFETIME_DAYS * 86_400_000);
  await tx.insert(invitations).values({ userId: p.userId, tokenHash: hash(token), createdBy: p.createdBy, expiresAt });
  return { url: invitationUrl(token), expiresAt };
}

/** What the invitation page shows: whose link it is, or why it no longer works. */
export async function findInvitation(db: DbOrTx, token: string): Promise<{ ok: true; email: string; name: string } | { ok: false; message: string }> {
  const [row] = await db
    .select({ usedAt: invitations.usedAt, expiresAt: invitations.expiresAt, email: users.email, name: users.name, deactivatedAt: users.deactivatedAt })
    .from(invitations)
    .innerJoin(users, eq(users.id, invitations.userId))
    .where(eq(invitations.tokenHash, hash(token)))
    .limit(1);
  if (!row) return { ok: false, message: 'This invitation link is not valid. Ask your administrator for a new one.' };
  if (row.usedAt)
    return { ok: false, message: 'This invitation link has already been used (or replaced by a newer one). Ask your administrator for a new one.' };
  if (row.expiresAt <= new Date()) return { ok: false, message: 'This invitation link has expired. Ask your administrator for a new one.' };
  if (row.deactivatedAt) return { ok: false, message: 'This account has been deactivated.' };
  return { ok: true, email: row.email, name: row.name };
}

/** Sets the password through the link, once: the link is used up in the same transaction. */
export async function acceptInvitation(tx: DbOrTx, p: { token: string; password: string }): Promise<{ userId: string; email: string }> {
  const found = await findInvitation(tx, p.token);
  if (!found.ok) throw new AppError('not_found', found.message);
  const [used] = await tx
    .update(invitations)
    .set({ usedAt: new Date() })
    .where(and(eq(invitations.tokenHash, hash(p.token)), isNull(invitations.usedAt), gt(invitations.expiresAt, new Date())))
    .returning({ userId: invitations.userId });
  // a second submission racing the first finds it used
  if (!used) throw new AppError('not_found', 'This invitation link has already been used. Ask your administrator for a new one.');
  await tx
    .update(users)
    .set({ passwordHash: await hashPassword(p.password) })
    .where(eq(users.id, used.userId));
  return { userId: used.userId, email: found.email };
}
