import { and, desc, eq, isNull } from 'drizzle-orm';
import { apiTokens } from '@/db/schema';
import type { DbOrTx } from '../db';

export async function listApiTokens(db: DbOrTx, p: { userId: string }) {
  return db
    .select({ id: apiTokens.id, name: apiTokens.name, createdAt: apiTokens.createdAt, lastUsedAt: apiTokens.lastUsedAt, expiresAt: apiTokens.expiresAt })
    .from(apiTokens)
    .where(and(eq(apiTokens.userId, p.userId), isNull(apiTokens.revokedAt)))
    .orderBy(desc(apiTokens.createdAt));
}
