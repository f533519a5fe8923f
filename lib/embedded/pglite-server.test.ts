import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../test/free-port';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './pglite-server';

describe('embedded PGlite over the wire', () => {
  let dir: string;
  let db: EmbeddedDatabase;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'segflow-pglite-'));
    db = await startEmbeddedDatabase({ dir, port: await freePort() });
  });
  afterAll(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves concurrent parameterised queries and transactions from several clients without mixing statements', async () => {
    const a = postgres(db.url, { max: 4, onnotice: () => {} });
    const b = postgres(db.url, { max: 4, onnotice: () => {} });
    await a`create table t (id int primary key, v text)`;
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 60; i++) {
      const c = i % 2 ? a : b;
      // different parameter counts, so an interleaved Bind would fail loudly
      work.push(i % 3 === 0 ? c`insert into t values (${i}, ${`v${i}`})` : c`select ${i}::int as x, ${'y'}::text as y, ${i + 1}::int as z`);
    }
    work.push(
      a.begin(async (tx) => {
        await tx`insert into t values (1000, 'tx')`;
        await new Promise((r) => setTimeout(r, 50));
        await tx`update t set v = 'tx2' where id = 1000`;
      }),
    );
    await Promise.all(work);
    const [{ n }] = await b`select count(*)::int as n from t`;
    expect(n).toBe(21);
    const [{ v }] = await b`select v from t where id = ${1000}`;
    expect(v).toBe('tx2');
    await a.end();
    await b.end();
  });

  it("deallocates a connection's prepared statements when it goes (PGlite is one backend: they would outlive it)", async () => {
    const watcher = postgres(db.url, { max: 1, onnotice: () => {} });
    const count = async () => (await watcher.unsafe('select count(*)::int as n from pg_prepared_statements'))[0].n as number;
    const before = await count();
    const client = postgres(db.url, { max: 2, onnotice: () => {} });
    // tagged queries with parameters are prepared (named) by postgres.js
    for (let i = 0; i < 5; i++)
      await Promise.all([client`select ${i}::int + 1 as a`, client`select ${'x'}::text || ${i}::text as b`, client`select ${i}::int * 2 as c`]);
    const during = await count();
    expect(during).toBeGreaterThanOrEqual(before + 3);
    expect((await watcher.unsafe('select name from pg_prepared_statements')).map((r) => r.name)).not.toContain('');
    await client.end();
    await expect.poll(count, { timeout: 5000 }).toBe(before);
    // the others' statements are untouched and still work
    expect((await watcher`select ${41}::int + 1 as x`)[0].x).toBe(42);
    await watcher.end();
  });

  it('ends a connection that holds a transaction open while others wait; the others go on, the holder gets a clear error', async () => {
    const limited = await startEmbeddedDatabase({ dir: join(dir, 'limited'), port: await freePort(), holdLimitMs: 300 });
    const holder = postgres(limited.url, { max: 1, onnotice: () => {} });
    const other = postgres(limited.url, { max: 1, onnotice: () => {} });
    try {
      await holder`create table held (id int)`;
      let otherAnswered!: Promise<unknown>;
      const held = holder.begin(async (tx) => {
        await tx`insert into held values (1)`;
        // another client asks while this transaction is open and idle; it must be answered before
        // this one goes on (or this test hangs: the freeze of issue 16)
        otherAnswered = other`select count(*)::int as n from held`;
        const [{ n }] = (await otherAnswered) as { n: number }[];
        expect(n).toBe(0);
        await tx`insert into held values (2)`;
      });
      await expect(held).rejects.toThrow(/terminating connection: it held the embedded database for 0\.3 s .* its transaction was rolled back/);
      // nothing of the ended transaction was kept; the others and new connections work on
      expect(await other`select count(*)::int as n from held`).toEqual([{ n: 0 }]);
      const fresh = postgres(limited.url, { max: 1, onnotice: () => {} });
      expect(await fresh`insert into held values (3) returning id`).toEqual([{ id: 3 }]);
      await fresh.end({ timeout: 1 });
    } finally {
      await holder.end({ timeout: 1 });
      await other.end({ timeout: 1 });
      await limited.close();
    }
  });
});
