import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as tokensRoute from '@/app/api/tokens/route';
import { apiTokens } from '@/db/schema';
import { getDb } from '@/lib/db';
import { createTestProject } from '@/test/test-project';
import { createApiToken, findUserIdByToken, revokeApiToken } from './api-tokens';

const list = (token: string) => tokensRoute.GET(new Request('http://segflow.test/api/tokens', { headers: { authorization: `Bearer ${token}` } }));

describe('API tokens', () => {
  it('expire: a token works until its end and is refused (401) after it, as a revoked one is', async () => {
    const db = getDb();
    const tp = await createTestProject(db);
    const user = tp.users.researcher.id;
    const t = await createApiToken(db, { userId: user, name: 'ci', expiresInDays: 30 });
    const days = (t.expiresAt!.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    expect(await findUserIdByToken(db, t.token)).toBe(user);
    expect((await list(t.token)).status).toBe(200);

    await db
      .update(apiTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(apiTokens.id, t.id));
    expect(await findUserIdByToken(db, t.token)).toBeNull();
    expect((await list(t.token)).status).toBe(401);

    const other = await createApiToken(db, { userId: user, name: 'revoked', expiresInDays: 90 });
    expect(await revokeApiToken(db, { id: other.id, userId: user })).toBe(true);
    expect((await list(other.token)).status).toBe(401);

    // the list shows each token's end, never its value
    const mine = await createApiToken(db, { userId: user, name: 'listed', expiresInDays: 365 });
    const body = (await (await list(mine.token)).json()) as { tokens: { name: string; expiresAt: string | null }[] };
    expect(body.tokens.find((x) => x.name === 'listed')?.expiresAt).toBe(mine.expiresAt!.toISOString());
    expect(JSON.stringify(body)).not.toContain(mine.token);
  });

  it('records the last use to the minute: the first use writes it, uses within the minute leave it', async () => {
    const db = getDb();
    const tp = await createTestProject(db);
    const t = await createApiToken(db, { userId: tp.users.researcher.id, name: 'last-use' });
    const lastUsed = async () => (await db.select({ at: apiTokens.lastUsedAt }).from(apiTokens).where(eq(apiTokens.id, t.id)))[0].at;
    expect(await lastUsed()).toBeNull();
    await findUserIdByToken(db, t.token);
    const first = await lastUsed();
    expect(first).toBeInstanceOf(Date);
    await findUserIdByToken(db, t.token);
    expect(await lastUsed()).toEqual(first);
    // a use more than a minute after the recorded one moves it
    const old = new Date(Date.now() - 120_000);
    await db.update(apiTokens).set({ lastUsedAt: old }).where(eq(apiTokens.id, t.id));
    await findUserIdByToken(db, t.token);
    expect((await lastUsed())!.getTime()).toBeGreaterThan(old.getTime());
  });
});
