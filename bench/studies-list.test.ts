/**
 * The studies-list bench at a small size on an empty scratch database: it seeds what it says (a series
 * each, projects weighted as stated), prints its summary lines, and refuses a database holding rows.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchStudiesList } from './studies-list.bench';

const N = 600;
let url: string;
let admin: postgres.Sql;
const name = `segflow_bench_${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const u = new URL(process.env.DATABASE_URL!);
  u.pathname = `/${name}`;
  url = u.toString();
});
afterAll(async () => {
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
});

describe('npm run bench studies-list', () => {
  it('seeds an empty database, times every filter and prints the p95 line; then refuses the same database', async () => {
    const out: string[] = [];
    const lines = await benchStudiesList({ url, studies: N, log: (s) => out.push(s), iterations: 2 });
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const counts = await sql<{ studies: number; series: number; projects: number; top: number }[]>`
        select (select count(*)::int from studies) as studies, (select count(*)::int from series) as series,
               (select count(*)::int from projects) as projects,
               (select count(*)::int from studies group by project_id order by 1 desc limit 1) as top`;
      expect(counts[0]).toEqual({ studies: N, series: N, projects: 10, top: N / 2 });
    } finally {
      await sql.end();
    }
    expect(out).toContainEqual(expect.stringMatching(new RegExp(`^studies list p95 \\d+\\.\\d\\d ms at ${N} studies$`)));
    expect(out.filter((l) => l.startsWith('studies list ['))).toHaveLength(6);
    expect(lines.at(-1)?.name).toBe(`studies list p95 over every filter, first and deep pages, at ${N} studies`);

    await expect(benchStudiesList({ url, studies: N, log: () => {} })).rejects.toThrow(
      /^refusing to seed segflow_bench_[0-9a-f]+: table public\.\w+ already holds rows/,
    );
  });
});
