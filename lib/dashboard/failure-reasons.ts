import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db';
import type { DashboardRange } from './dashboard-range';
import { fromOf, toOf } from './sql-parts';

export interface FailureReason {
  step: string;
  /**
   * What the user reads: the first line of the group's most recent failure, a real message ("exit
   * code 137 after 12.5 s"). The name is the one the dashboard has always rendered.
   */
  errorClass: string;
  /** the grouping key: that line (cut at 160 characters) with its numbers and ids replaced by `#`, so repeats of one failure group together */
  groupKey: string;
  count: number;
  lastAt: string;
}

export const TOP_FAILURES = 10;

/** The most frequent failures of runs created in the range, grouped by step and error class, each with its latest message. */
export async function failureReasons(db: DbOrTx, p: { projectId: string; range: DashboardRange }): Promise<FailureReason[]> {
  const rows = await db.execute<{ step: string; group_key: string; message: string; n: number; last_at: string }>(sql`
    with failed as (
      select s.name as step,
        split_part(coalesce(nullif(s.error, ''), 'no error recorded'), E'\n', 1) as message,
        coalesce(s.finished_at, r.created_at) as at
      from runs r join run_steps s on s.run_id = r.id
      where r.project_id = ${p.projectId} and r.created_at >= ${fromOf(p.range)} and r.created_at < ${toOf(p.range)} and s.status = 'failed'
    )
    select step,
      regexp_replace(left(message, 160),
        '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9]+([.][0-9]+)?', '#', 'g') as group_key,
      left((array_agg(message order by at desc))[1], 300) as message,
      count(*)::int as n,
      to_char(max(at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as last_at
    from failed
    group by 1, 2
    order by 4 desc, 1, 2
    limit ${TOP_FAILURES}`);
  return rows.map((r) => ({ step: r.step, errorClass: r.message, groupKey: r.group_key, count: r.n, lastAt: r.last_at }));
}
