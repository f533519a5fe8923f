import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import { afterAll, describe, expect, it } from 'vitest';
import * as schema from '@/db/schema';
import { projects } from '@/db/schema';
import { postgresClient } from './postgres-client';
import { preparing } from './prepared-statements';

// one connection, so every statement below is on the session pg_prepared_statements describes
const client = postgresClient(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
afterAll(() => client.end({ timeout: 5 }));

const preparedOnConnection = async (db: ReturnType<typeof drizzle<typeof schema>>) =>
  ((await db.execute(sql`select statement from pg_prepared_statements`)) as unknown as { statement: string }[]).map((r) => r.statement);

describe('preparing (drizzle queries as prepared statements)', () => {
  it('prepares drizzle queries on the pool, in transactions and in savepoints; unwrapped, drizzle prepares none', async () => {
    const plain = drizzle(client, { schema });
    await plain.select({ id: projects.id }).from(projects).where(eq(projects.slug, 'plain-query'));
    expect((await preparedOnConnection(plain)).some((s) => s.includes('from "projects"'))).toBe(false);

    const db = drizzle(preparing(client), { schema });
    await db.select({ id: projects.id }).from(projects).where(eq(projects.slug, 'pool-query'));
    const inTx = await db.transaction(async (tx) => {
      await tx.select({ slug: projects.slug }).from(projects).where(eq(projects.id, '00000000-0000-4000-8000-000000000000'));
      await tx.transaction((sp) => sp.select({ name: projects.name }).from(projects).where(eq(projects.slug, 'savepoint-query')));
      return 'committed';
    });
    expect(inTx).toBe('committed');
    const prepared = await preparedOnConnection(db);
    expect(prepared).toContainEqual(expect.stringMatching(/^select "id" from "projects" where "projects"."slug" = \$1/));
    expect(prepared).toContainEqual(expect.stringMatching(/^select "slug" from "projects" where "projects"."id" = \$1/));
    expect(prepared).toContainEqual(expect.stringMatching(/^select "name" from "projects" where "projects"."slug" = \$1/));
  });

  it('gives the same rows as the unprepared query, for new parameter values too', async () => {
    const db = drizzle(preparing(client), { schema });
    const plain = drizzle(client, { schema });
    const q = (d: typeof db, slug: string) => d.select({ slug: projects.slug }).from(projects).where(eq(projects.slug, slug));
    const any = (await plain.select({ slug: projects.slug }).from(projects).limit(1))[0]?.slug ?? 'none';
    for (const slug of [any, 'no-such-project', any]) expect(await q(db, slug)).toEqual(await q(plain, slug));
  });
});
