import { and, eq, isNull } from 'drizzle-orm';
import { createHash, randomBytes } from 'node:crypto';
import { apiTokens } from '@/db/schema';
import type { DbOrTx } from '../db';

export const TOKEN_PREFIX = 'sf_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates a token; the plain value is returned once and only its hash is stored. */
export async function createApiToken(db: DbOrTx, p: { userId: string; name: string }): Promise<{ id: string; token: string }> {
  const token = TOKEN_PREFIX + randomBytes(24).toString('base64url');
  const [row] = await db
    .insert(apiTokens)
    .values({ userId: p.userId, name: p.name, tokenHash: hashToken(token) })
    .returning({ id: apiTokens.id });
  return { id: row.id, token };
}

export async function findUserIdByToken(db: DbOrTx, token: string): Promise<string | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const [row] = await db
    .select({ userId: apiTokens.userId, id: apiTokens.id })
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt)))
    .limit(1);
  if (!row) return null;
  await db.update(apiTokens).set({ lastUsedAt: new Date() }).where(eq(apiTokens.id, row.id));
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
