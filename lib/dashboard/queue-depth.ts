import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db';
import type { DashboardRange } from './dashboard-range';
import { fromOf, STEP_LOOKBACK, toOf } from './sql-parts';

export interface QueueDepthPoint {
  at: string;
  queued: number;
  running: number;
}

/**
 * How many runs were queued and running at each sample time, from the runs' own timestamps
 * (created → started → finished). The runs considered: created in the range or a day before it,
 * and any still queued or running now (both on indexes: (project_id, created_at) and
 * (project_id, status, …)).
 */
export async function queueDepth(db: DbOrTx, p: { projectId: string; range: DashboardRange }): Promise<QueueDepthPoint[]> {
  const rows = await db.execute<{ at: string; queued: number; running: number }>(sql`
    with rel as (
      select created_at, started_at, finished_at from runs
      where project_id = ${p.projectId} and created_at < ${toOf(p.range)}
        and (created_at >= ${fromOf(p.range)} - ${STEP_LOOKBACK} or status in ('queued', 'running'))
    )
    select to_char(t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"') as at,
      count(*) filter (where rel.created_at <= t and coalesce(rel.started_at, rel.finished_at, 'infinity') > t)::int as queued,
      count(*) filter (where rel.started_at <= t and coalesce(rel.finished_at, 'infinity') > t)::int as running
    from generate_series(${fromOf(p.range)}, ${toOf(p.range)}, ${`${p.range.sampleHours} hours`}::interval) t
    left join rel on true
    group by t
    order by t`);
  return rows.map((r) => ({ at: r.at, queued: r.queued, running: r.running }));
}
