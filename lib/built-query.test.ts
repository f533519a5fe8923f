import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { projects } from '@/db/schema';
import { builtOnce } from './built-query';
import { getDb } from './db';

describe('builtOnce (a query whose SQL text is built once per client)', () => {
  const slugOf = builtOnce('test_slug_of', (db) =>
    db
      .select({ slug: projects.slug })
      .from(projects)
      .where(eq(projects.id, sql.placeholder('id'))),
  );

  it('runs on the client it is given: inside a transaction it sees what that transaction wrote, the pool does not', async () => {
    const db = getDb();
    const slug = `built-once-${Date.now()}`;
    await db
      .transaction(async (tx) => {
        const [p] = await tx.insert(projects).values({ slug, name: 'built once', deidSecret: 'test' }).returning({ id: projects.id });
        expect(await slugOf(tx, { id: p.id })).toEqual([{ slug }]);
        // the pool's connection does not see the uncommitted row
        expect(await slugOf(db, { id: p.id })).toEqual([]);
        tx.rollback();
      })
      .catch((err: Error) => {
        if (!/rollback/i.test(err.message)) throw err;
      });
  });

  it('fills the placeholders anew on every call', async () => {
    const db = getDb();
    const [a, b] = await db
      .insert(projects)
      .values([
        { slug: `built-a-${Date.now()}`, name: 'a', deidSecret: 'test' },
        { slug: `built-b-${Date.now()}`, name: 'b', deidSecret: 'test' },
      ])
      .returning();
    expect(await slugOf(db, { id: a.id })).toEqual([{ slug: a.slug }]);
    expect(await slugOf(db, { id: b.id })).toEqual([{ slug: b.slug }]);
    expect(await slugOf(db, { id: '00000000-0000-4000-8000-000000000000' })).toEqual([]);
  });
});
