import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db';
import type { DashboardRange } from './dashboard-range';
import { fromOf, toOf } from './sql-parts';

export interface FailureReason {
  step: string;
  /** the error's first line with its numbers and ids replaced by `#`, so repeats of one failure group together */
  errorClass: string;
  count: number;
  lastAt: string;
}

export const TOP_FAILURES = 10;

/** The most frequent failures of runs created in the range, grouped by step and error class. */
export async function failureReasons(db: DbOrTx, p: { projectId: string; range: DashboardRange }): Promise<FailureReason[]> {
  const rows = await db.execute<{ step: string; error_class: string; n: number; last_at: string }>(sql`
    select s.name as step,
      regexp_replace(left(split_part(coalesce(nullif(s.error, ''), 'no error recorded'), E'\n', 1), 160),
        '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9]+([.][0-9]+)?', '#', 'g') as error_class,
      count(*)::int as n,
      to_char(max(coalesce(s.finished_at, r.created_at)) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as last_at
    from runs r join run_steps s on s.run_id = r.id
    where r.project_id = ${p.projectId} and r.created_at >= ${fromOf(p.range)} and r.created_at < ${toOf(p.range)} and s.status = 'failed'
    group by 1, 2
    order by 3 desc, 1, 2
    limit ${TOP_FAILURES}`);
  return rows.map((r) => ({ step: r.step, errorClass: r.error_class, count: r.n, lastAt: r.last_at }));
}
