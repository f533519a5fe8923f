/**
 * `npm run bench studies-list`: the studies list (lib/studies/list-studies.ts) at 1,000,000 studies
 * (BENCH_STUDIES) on the PostgreSQL of DATABASE_URL, which must be empty (it is seeded and left for
 * you to drop). Times the first page and a page 50,000 rows deep in the cursor chain, per filter,
 * through listStudies itself; baselines in the same run: a primary-key lookup of one study and the
 * same deep page fetched with OFFSET (what keyset pagination replaces). Prints EXPLAIN of each deep
 * page, so the index each filter uses is on record. Not part of CI.
 */
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from '../db/schema';
import { studies } from '../db/schema';
import type { Db } from '../lib/db';
import { migrateDatabase } from '../lib/platform/migrate';
import { decodeRunsCursor, encodeRunsCursor } from '../lib/runs/runs-cursor';
import { listStudies, studiesPageQuery } from '../lib/studies/list-studies';
import type { TStudiesFilter } from '../lib/studies/list-studies-query';
import type { BenchLine } from './harness';
import { percentile, refuseUnlessEmpty, sample } from './list-bench';
import { seedStudies } from './studies-list-seed';

export const onlyWhenNamed = true;

const DEPTH = 50_000;
const PAGE = 50;

export async function run(): Promise<BenchLine[]> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('studies-list bench: set DATABASE_URL to an empty PostgreSQL database (it seeds 1,000,000 studies there)');
  return benchStudiesList({ url, studies: Number(process.env.BENCH_STUDIES ?? 1_000_000), log: (s) => console.log(s) });
}

export async function benchStudiesList(p: { url: string; studies: number; log: (s: string) => void; iterations?: number }): Promise<BenchLine[]> {
  const { url, log } = p;
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  try {
    await refuseUnlessEmpty(sql, url);
    log(`studies-list: migrating and seeding ${p.studies} studies into ${new URL(url).pathname.slice(1)}`);
    await migrateDatabase(url);
    await seedStudies(sql, p.studies, log);
    const db = drizzle(sql, { schema }) as unknown as Db;

    const [big] = await sql<{ id: string; n: number }[]>`select project_id as id, count(*)::int as n from studies group by 1 order by 2 desc limit 1`;
    const [pick] = await sql<{ id: string; subject: string }[]>`
      select id, subject_pseudonym as subject from studies where project_id = ${big.id} order by created_at desc limit 1`;
    const projectId = big.id;
    log(`studies-list: project with the most studies: ${big.n} of ${p.studies}`);
    const monthAgo = new Date(Date.now() - 30 * 24 * 3600 * 1000);
    const filters: [string, Partial<TStudiesFilter>][] = [
      ['no filter', {}],
      ['subject', { subject: pick.subject }],
      ['modality=MR', { modality: 'MR' }],
      ['modality=SEG (2 %)', { modality: 'SEG' }],
      ['last 30 days', { from: monthAgo }],
      ['modality=PT, last 30 days', { modality: 'PT', from: monthAgo }],
    ];

    const lines: BenchLine[] = [];
    const all: number[] = [];
    const it = p.iterations;
    const pkTimes = await sample(() => db.select().from(studies).where(eq(studies.id, pick.id)), it);
    const pk95 = percentile(pkTimes, 95);
    log(`studies-list: baseline primary-key lookup p50 ${percentile(pkTimes, 50).toFixed(2)} ms p95 ${pk95.toFixed(2)} ms`);
    for (const [name, filter] of filters) {
      const everyRow = studiesPageQuery(db, { projectId, filter: { ...filter, limit: 100_000_000 } }).toSQL();
      const [{ n }] = await sql.unsafe<{ n: number }[]>(`select count(*)::int as n from (${everyRow.sql}) q`, everyRow.params as never[]);
      const depth = Math.min(DEPTH, Math.max(0, n - PAGE - 1));
      // the cursor of the row just above `depth`, found once with OFFSET (not timed)
      const [above] = depth > 0 ? await studiesPageQuery(db, { projectId, filter: { ...filter, limit: 0 } }).offset(depth - 1) : [];
      const cursor = above ? decodeRunsCursor(encodeRunsCursor({ at: above.at, id: above.id }))! : undefined;
      const first = await sample(() => listStudies(db, { projectId, filter: { ...filter, limit: PAGE } }), it);
      const deep = cursor ? await sample(() => listStudies(db, { projectId, filter: { ...filter, limit: PAGE, cursor } }), it) : first;
      const offset = depth > 0 ? await sample(() => studiesPageQuery(db, { projectId, filter: { ...filter, limit: PAGE } }).offset(depth), it ?? 10) : first;
      all.push(...first, ...deep);
      const q = (t: number[], pc: number) => percentile(t, pc).toFixed(2);
      log(
        `studies list [${name}] (${n} rows) first page p50 ${q(first, 50)} ms p95 ${q(first, 95)} ms | ${depth} deep by cursor p50 ${q(deep, 50)} ms p95 ${q(deep, 95)} ms | same depth by OFFSET p50 ${q(offset, 50)} ms p95 ${q(offset, 95)} ms`,
      );
      lines.push({
        name: `studies list [${name}] p95, page ${depth} rows deep by cursor`,
        value: percentile(deep, 95),
        unit: 'ms',
        ratios: [
          { against: `OFFSET ${depth} p95`, ratio: percentile(deep, 95) / percentile(offset, 95) },
          { against: 'primary-key lookup p95', ratio: percentile(deep, 95) / pk95 },
        ],
      });
      if (cursor) {
        const shown = studiesPageQuery(db, { projectId, filter: { ...filter, limit: PAGE, cursor } }).toSQL();
        const plan = await sql.unsafe<{ 'QUERY PLAN': string }[]>(
          `explain (analyze, costs off, timing off, summary off) ${shown.sql}`,
          shown.params as never[],
        );
        log(`  EXPLAIN [${name}], ${depth} deep:\n${plan.map((r) => `    ${r['QUERY PLAN']}`).join('\n')}`);
      }
    }
    all.sort((a, b) => a - b);
    log(`studies list p50 ${percentile(all, 50).toFixed(2)} ms at ${p.studies} studies`);
    log(`studies list p95 ${percentile(all, 95).toFixed(2)} ms at ${p.studies} studies`);
    lines.push({
      name: `studies list p95 over every filter, first and deep pages, at ${p.studies} studies`,
      value: percentile(all, 95),
      unit: 'ms',
      ratios: [{ against: 'primary-key lookup p95', ratio: percentile(all, 95) / pk95, target: 'p95 ≤ 50 ms' }],
    });
    return lines;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
