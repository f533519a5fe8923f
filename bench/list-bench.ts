/** What the list benches (runs-list, audit-list) share: percentiles, timing samples, the empty-database check. */
import type postgres from 'postgres';

const ITERATIONS = 40;

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function sample(fn: () => Promise<unknown>, iterations = ITERATIONS): Promise<number[]> {
  for (let i = 0; i < 3; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

/**
 * With BENCH_REUSE_SEED=1, a database this bench seeded before (every project a `bench-` one, and
 * `rows` rows in `table`) is timed again without seeding: re-measuring on a quieter machine costs
 * minutes less. Anything else is refused as before.
 */
export async function reusableSeed(sql: postgres.Sql, table: string, rows: number): Promise<boolean> {
  if (process.env.BENCH_REUSE_SEED !== '1') return false;
  const [{ other, n }] = await sql.unsafe<{ other: number; n: number }[]>(
    `select (select count(*)::int from projects where slug not like 'bench-%') as other, (select count(*)::int from ${table}) as n`,
  );
  return other === 0 && n === rows;
}

export async function refuseUnlessEmpty(sql: postgres.Sql, url: string): Promise<void> {
  const tables = await sql<
    { name: string }[]
  >`select format('%I.%I', schemaname, tablename) as name from pg_tables where schemaname not in ('pg_catalog', 'information_schema', 'drizzle')`;
  for (const { name } of tables) {
    const [{ any }] = await sql.unsafe<{ any: boolean }[]>(`select exists (select 1 from ${name}) as any`);
    if (any)
      throw new Error(
        `refusing to seed ${new URL(url).pathname.slice(1)}: table ${name} already holds rows; point DATABASE_URL at an empty database (createdb segflow_bench)`,
      );
  }
}
