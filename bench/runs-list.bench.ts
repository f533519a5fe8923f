/**
 * `npm run bench runs-list`: the runs list (lib/runs/list-runs.ts) at 1,000,000 runs on the
 * PostgreSQL of DATABASE_URL, which must be empty (it is seeded and left for you to drop). Times
 * the first page and a page 50,000 rows deep in the cursor chain, per filter, through listRuns
 * itself; baselines in the same run: a primary-key lookup of one run (the floor of any query), and
 * the same deep page fetched with OFFSET (what keyset pagination replaces). Prints EXPLAIN of each
 * deep page, so the index each filter uses is on record. Not part of CI.
 */
import { drizzle } from 'drizzle-orm/postgres-js';
import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import * as schema from '../db/schema';
import { runs, studies } from '../db/schema';
import type { Db } from '../lib/db';
import { migrateDatabase } from '../lib/platform/migrate';
import { listRuns, runsPageQuery } from '../lib/runs/list-runs';
import type { TRunsFilter } from '../lib/runs/list-runs-query';
import { encodeRunsCursor, decodeRunsCursor } from '../lib/runs/runs-cursor';
import type { BenchLine } from './harness';
import { seedRuns } from './runs-list-seed';
import { percentile, refuseUnlessEmpty, reusableSeed, sample } from './list-bench';

export const onlyWhenNamed = true;

const RUNS = Number(process.env.BENCH_RUNS ?? 1_000_000);
const DEPTH = 50_000;
const PAGE = 50;
export async function run(): Promise<BenchLine[]> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('runs-list bench: set DATABASE_URL to an empty PostgreSQL database (it seeds 1,000,000 runs there)');
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  try {
    if (await reusableSeed(sql, 'runs', RUNS)) console.log(`runs-list: timing the ${RUNS} runs seeded before (BENCH_REUSE_SEED=1)`);
    else {
      await refuseUnlessEmpty(sql, url);
      console.log(`runs-list: migrating and seeding ${RUNS} runs into ${new URL(url).pathname.slice(1)} (minutes)`);
      await migrateDatabase(url);
      await seedRuns(sql, RUNS, (s) => console.log(s));
    }
    const db = drizzle(sql, { schema }) as unknown as Db;

    const [big] = await sql<{ id: string; n: number }[]>`select project_id as id, count(*)::int as n from runs group by 1 order by 2 desc limit 1`;
    const [pick] = await sql<{ study: string; submitter: string; email: string; id: string }[]>`
      select r.study_id as study, r.submitted_by as submitter, u.email, r.id from runs r join users u on u.id = r.submitted_by
      where r.project_id = ${big.id} order by r.created_at desc limit 1`;
    const projectId = big.id;
    console.log(`runs-list: project with the most runs: ${big.n} of ${RUNS}`);
    const monthAgo = new Date(Date.now() - 30 * 24 * 3600 * 1000);
    const filters: [string, Partial<TRunsFilter>][] = [
      ['no filter', {}],
      ['status=failed', { status: 'failed' }],
      ['status=queued', { status: 'queued' }],
      ['model', { model: 'liver' }],
      ['model+version', { model: 'liver', version: '2.0.0' }],
      ['study', { study: pick.study }],
      ['submitter (email)', { submitter: pick.email }],
      ['last 30 days', { from: monthAgo }],
      ['status+model', { status: 'failed', model: 'prostate' }],
    ];

    const lines: BenchLine[] = [];
    const all: number[] = [];
    const pkTimes = await sample(() =>
      db.select({ id: runs.id, label: studies.label }).from(runs).innerJoin(studies, eq(studies.id, runs.studyId)).where(eq(runs.id, pick.id)),
    );
    const pk95 = percentile(pkTimes, 95);
    console.log(`runs-list: baseline primary-key lookup p50 ${percentile(pkTimes, 50).toFixed(2)} ms p95 ${pk95.toFixed(2)} ms`);
    for (const [name, filter] of filters) {
      const everyRow = runsPageQuery(db, { projectId, filter: { ...filter, limit: 100_000_000 } }).toSQL();
      const [{ n }] = await sql.unsafe<{ n: number }[]>(`select count(*)::int as n from (${everyRow.sql}) q`, everyRow.params as never[]);
      const depth = Math.min(DEPTH, Math.max(0, n - PAGE - 1));
      // the cursor of the row just above `depth`, found once with OFFSET (not timed)
      const [above] = depth > 0 ? await runsPageQuery(db, { projectId, filter: { ...filter, limit: 0 } }).offset(depth - 1) : [];
      const cursor = above ? decodeRunsCursor(encodeRunsCursor({ at: above.at, id: above.run.id }))! : undefined;
      const first = await sample(() => listRuns(db, { projectId, seeShadow: true, filter: { ...filter, limit: PAGE } }));
      const deep = cursor ? await sample(() => listRuns(db, { projectId, seeShadow: true, filter: { ...filter, limit: PAGE, cursor } })) : first;
      const offset = depth > 0 ? await sample(() => runsPageQuery(db, { projectId, filter: { ...filter, limit: PAGE } }).offset(depth), 10) : first;
      all.push(...first, ...deep);
      const q = (t: number[], p: number) => percentile(t, p).toFixed(2);
      console.log(
        `runs list [${name}] (${n} rows) first page p50 ${q(first, 50)} ms p95 ${q(first, 95)} ms | ${depth} deep by cursor p50 ${q(deep, 50)} ms p95 ${q(deep, 95)} ms | same depth by OFFSET p50 ${q(offset, 50)} ms p95 ${q(offset, 95)} ms`,
      );
      lines.push({
        name: `runs list [${name}] p95, page ${depth} rows deep by cursor`,
        value: percentile(deep, 95),
        unit: 'ms',
        ratios: [
          { against: `OFFSET ${depth} p95`, ratio: percentile(deep, 95) / percentile(offset, 95) },
          { against: 'primary-key lookup p95', ratio: percentile(deep, 95) / pk95 },
        ],
      });
      if (cursor) {
        const shown = runsPageQuery(db, { projectId, filter: { ...filter, limit: PAGE, cursor } }).toSQL();
        const plan = await sql.unsafe<{ 'QUERY PLAN': string }[]>(
          `explain (analyze, costs off, timing off, summary off) ${shown.sql}`,
          shown.params as never[],
        );
        console.log(`  EXPLAIN [${name}], ${depth} deep:\n${plan.map((r) => `    ${r['QUERY PLAN']}`).join('\n')}`);
      }
    }
    all.sort((a, b) => a - b);
    console.log(`runs list p50 ${percentile(all, 50).toFixed(2)} ms at ${RUNS} runs`);
    console.log(`runs list p95 ${percentile(all, 95).toFixed(2)} ms at ${RUNS} runs`);
    lines.push({
      name: `runs list p95 over every filter, first and deep pages, at ${RUNS} runs`,
      value: percentile(all, 95),
      unit: 'ms',
      ratios: [{ against: 'primary-key lookup p95', ratio: percentile(all, 95) / pk95, target: 'p95 ≤ 50 ms' }],
    });
    return lines;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
