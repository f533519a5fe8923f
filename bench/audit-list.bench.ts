/**
 * `npm run bench audit-list`: the audit log list (lib/audit/list-audit-events.ts) at 1,000,000 events
 * (BENCH_AUDIT) on the PostgreSQL of DATABASE_URL, which must be empty (it is seeded and left for
 * you to drop). Events are seeded in SQL (10 projects, half of them in the first; 20 actors per
 * project; 12 actions; 90 % success) with stand-in hashes (the chain is not what is measured). Times
 * the first page and a page 50,000 events deep in the cursor chain per filter through
 * listAuditEvents itself; baselines in the same run: a primary-key lookup and the same deep page by
 * OFFSET. Prints EXPLAIN of each deep page. Not part of CI.
 */
import { desc, eq, sql as dsql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from '../db/schema';
import { auditEvents } from '../db/schema';
import type { TAuditFilter } from '../lib/audit/audit-query';
import { auditWhere, listAuditEvents } from '../lib/audit/list-audit-events';
import type { Db } from '../lib/db';
import { migrateDatabase } from '../lib/platform/migrate';
import type { BenchLine } from './harness';
import { percentile, refuseUnlessEmpty, sample } from './list-bench';

export const onlyWhenNamed = true;

const EVENTS = Number(process.env.BENCH_AUDIT ?? 1_000_000);
const DEPTH = 50_000;
const PAGE = 100;
const ACTIONS = [
  'run.read',
  'run.submit',
  'run.cancel',
  'run.retry',
  'run.list',
  'study.read',
  'study.phi.read',
  'upload.create',
  'upload.complete',
  'promotion.approve',
  'model.shadow.deploy',
  'token.create',
];

async function seed(sql: postgres.Sql, n: number, log: (s: string) => void): Promise<void> {
  const t0 = performance.now();
  await sql`insert into projects (slug, name, deid_secret) select 'bench-' || g, 'Bench ' || g, md5(g::text) from generate_series(0, 9) g`;
  await sql`insert into users (email, name) select 'bench-' || p || '-' || u || '@bench.segflow', 'Bench user' from generate_series(0, 9) p, generate_series(0, 19) u`;
  await sql`
    insert into audit_events (at, actor_id, actor_label, action, target_type, target_id, project_id, outcome, request_id, details, prev_hash, hash)
    select now() - (${n} - g) * interval '30 seconds', u.id, u.email, (${ACTIONS}::text[])[1 + abs(hashint4extended(g, 1)) % ${ACTIONS.length}],
           'run', 'run-' || (abs(hashint4extended(g, 2)) % 50000), p.id,
           (case when abs(hashint4extended(g, 3)) % 100 < 90 then 'success' when abs(hashint4extended(g, 3)) % 100 < 97 then 'denied' else 'failure' end)::audit_outcome,
           md5(g::text), '{}'::jsonb, md5((g - 1)::text) || md5((g - 1)::text), md5(g::text) || md5(g::text)
    from generate_series(1, ${n}) g
    join (select (row_number() over (order by slug))::int - 1 as i, id from projects) p on p.i = case when g % 2 = 0 then 0 else 1 + (g / 2) % 9 end
    join (select split_part(split_part(email, '@', 1), '-', 2)::int as pi, split_part(split_part(email, '@', 1), '-', 3)::int as k, id, email from users) u
      on u.pi = p.i and u.k = abs(hashint4extended(g, 4)) % 20
    order by g`;
  await sql`analyze`;
  log(`  seeded ${n} audit events in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

export async function run(): Promise<BenchLine[]> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('audit-list bench: set DATABASE_URL to an empty PostgreSQL database (it seeds 1,000,000 audit events there)');
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  try {
    await refuseUnlessEmpty(sql, url);
    console.log(`audit-list: migrating and seeding ${EVENTS} audit events into ${new URL(url).pathname.slice(1)}`);
    await migrateDatabase(url);
    await seed(sql, EVENTS, (s) => console.log(s));
    const db = drizzle(sql, { schema }) as unknown as Db;
    const [big] = await sql<{ id: string; n: number }[]>`select project_id as id, count(*)::int as n from audit_events group by 1 order by 2 desc limit 1`;
    const [pick] = await sql<{ actor: string; target: string; seq: number }[]>`
      select actor_label as actor, target_id as target, seq::int as seq from audit_events where project_id = ${big.id} order by seq desc limit 1`;
    const projectId = big.id;
    const weekAgo = new Date(Date.now() - 7 * 24 * 3600 * 1000);
    const filters: [string, TAuditFilter][] = [
      ['no filter', {}],
      ['actor (email)', { actor: pick.actor }],
      ['action=run.cancel', { action: 'run.cancel' }],
      ['action prefix promotion.', { action: 'promotion.' }],
      ['target run:<id>', { target: `run:${pick.target}` }],
      ['outcome=failure', { outcome: 'failure' }],
      ['last 7 days', { from: weekAgo }],
      ['actor+outcome=denied', { actor: pick.actor, outcome: 'denied' }],
    ];
    const pkTimes = await sample(() => db.select().from(auditEvents).where(eq(auditEvents.seq, pick.seq)));
    const pk95 = percentile(pkTimes, 95);
    console.log(
      `audit-list: project with the most events: ${big.n} of ${EVENTS}; primary-key lookup p50 ${percentile(pkTimes, 50).toFixed(2)} ms p95 ${pk95.toFixed(2)} ms`,
    );
    const lines: BenchLine[] = [];
    const all: number[] = [];
    const q = (t: number[], p: number) => percentile(t, p).toFixed(2);
    for (const [name, filter] of filters) {
      const [{ n }] = await db.select({ n: dsql<number>`count(*)::int` }).from(auditEvents).where(auditWhere(projectId, filter));
      const depth = Math.min(DEPTH, Math.max(0, n - PAGE - 1));
      const [above] =
        depth > 0
          ? await db
              .select({ seq: auditEvents.seq })
              .from(auditEvents)
              .where(auditWhere(projectId, filter))
              .orderBy(desc(auditEvents.seq))
              .offset(depth - 1)
              .limit(1)
          : [];
      const first = await sample(() => listAuditEvents(db, { projectId, filter, limit: PAGE }));
      const deep = above ? await sample(() => listAuditEvents(db, { projectId, filter, limit: PAGE, cursor: above.seq })) : first;
      const offset =
        depth > 0
          ? await sample(() => db.select().from(auditEvents).where(auditWhere(projectId, filter)).orderBy(desc(auditEvents.seq)).offset(depth).limit(PAGE), 10)
          : first;
      all.push(...first, ...deep);
      console.log(
        `audit list [${name}] (${n} rows) first page p50 ${q(first, 50)} ms p95 ${q(first, 95)} ms | ${depth} deep by cursor p50 ${q(deep, 50)} ms p95 ${q(deep, 95)} ms | same depth by OFFSET p95 ${q(offset, 95)} ms`,
      );
      lines.push({
        name: `audit list [${name}] p95, page ${depth} rows deep by cursor`,
        value: percentile(deep, 95),
        unit: 'ms',
        ratios: [
          { against: `OFFSET ${depth} p95`, ratio: percentile(deep, 95) / percentile(offset, 95) },
          { against: 'primary-key lookup p95', ratio: percentile(deep, 95) / pk95 },
        ],
      });
      if (above) {
        const shown = db
          .select()
          .from(auditEvents)
          .where(auditWhere(projectId, filter, above.seq))
          .orderBy(desc(auditEvents.seq))
          .limit(PAGE + 1)
          .toSQL();
        const plan = await sql.unsafe<{ 'QUERY PLAN': string }[]>(
          `explain (analyze, costs off, timing off, summary off) ${shown.sql}`,
          shown.params as never[],
        );
        console.log(`  EXPLAIN [${name}], ${depth} deep:\n${plan.map((r) => `    ${r['QUERY PLAN']}`).join('\n')}`);
      }
    }
    all.sort((a, b) => a - b);
    console.log(`audit list p50 ${percentile(all, 50).toFixed(2)} ms at ${EVENTS} events`);
    console.log(`audit list p95 ${percentile(all, 95).toFixed(2)} ms at ${EVENTS} events`);
    lines.push({
      name: `audit list p95 over every filter, first and deep pages, at ${EVENTS} events`,
      value: percentile(all, 95),
      unit: 'ms',
      ratios: [{ against: 'primary-key lookup p95', ratio: percentile(all, 95) / pk95, target: 'p95 ≤ 50 ms' }],
    });
    return lines;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
