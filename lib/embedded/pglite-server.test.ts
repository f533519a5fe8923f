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
});
