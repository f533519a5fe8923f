import { and, eq, gt, isNull, lt, or, type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import { createHash, randomBytes } from 'node:crypto';
import { apiTokens } from '@/db/schema';
import type { DbOrTx } from '../db';

export const TOKEN_PREFIX = 'sf_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** the lifetimes a user may choose for a token, in days */
export const TOKEN_LIFETIMES_DAYS = [30, 90, 365] as const;

/**
 * Creates a token; the plain value is returned once and only its hash is stored. Tokens expire
 * (`expiresInDays`); only the platform's own seeding creates tokens without an end.
 */
export async function createApiToken(
  db: DbOrTx,
  p: { userId: string; name: string; expiresInDays?: number | null },
): Promise<{ id: string; token: string; expiresAt: Date | null }> {
  const token = TOKEN_PREFIX + randomBytes(24).toString('base64url');
  const expiresAt = p.expiresInDays ? new Date(Date.now() + p.expiresInDays * 86_400_000) : null;
  const [row] = await db
    .insert(apiTokens)
    .values({ userId: p.userId, name: p.name, tokenHash: hashToken(token), expiresAt })
    .returning({ id: apiTokens.id });
  return { id: row.id, token, expiresAt };
}

/** The stored hash of what a caller sent as a token (null: not a segflow token at all). */
export function tokenHashOf(token: string): string | null {
  return token.startsWith(TOKEN_PREFIX) ? hashToken(token) : null;
}

/** The row of the token with this hash (a value or a placeholder), if it is not revoked and not expired. */
export function liveTokenWithHash(hash: string | SQLWrapper): SQL {
  return and(eq(apiTokens.tokenHash, hash), isNull(apiTokens.revokedAt), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, sql`now()`)))!;
}

/** Whether the token's recorded last use is older than a minute (or missing), read with the token. */
export const tokenUseStale = sql<boolean>`(${apiTokens.lastUsedAt} is null or ${apiTokens.lastUsedAt} < now() - interval '1 minute')`;

/**
 * Records a token's use to the minute: one write per token and minute, not one per request
 * (concurrent API clients of one token would otherwise queue on its row), and callers skip the
 * round trip altogether while `tokenUseStale` reads false.
 */
export async function markTokenUsed(db: DbOrTx, tokenId: string): Promise<void> {
  await db
    .update(apiTokens)
    .set({ lastUsedAt: new Date() })
    .where(and(eq(apiTokens.id, tokenId), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, sql`now() - interval '1 minute'`))));
}

export async function findUserIdByToken(db: DbOrTx, token: string): Promise<string | null> {
  const hash = tokenHashOf(token);
  if (!hash) return null;
  const [row] = await db.select({ userId: apiTokens.userId, id: apiTokens.id, stale: tokenUseStale }).from(apiTokens).where(liveTokenWithHash(hash)).limit(1);
  if (!row) return null;
  if (row.stale) await markTokenUsed(db, row.id);
  return row.userId;
}

export async function revokeApiToken(db: DbOrTx, p: { id: string; userId: string }): Promise<boolean> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, p.id), eq(apiTokens.userId, p.userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return rows.length > 0;
}
