import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db';
import type { DashboardRange } from './dashboard-range';
import { bucketOf, fromOf, STEP_LOOKBACK, toOf } from './sql-parts';

export interface StepDurationPoint {
  at: string;
  step: string;
  p50S: number;
  p95S: number;
  count: number;
}

/** Successful steps' duration (s), p50 and p95 per step per bucket of their finish time, computed in SQL. */
export async function stepDurations(db: DbOrTx, p: { projectId: string; range: DashboardRange }): Promise<StepDurationPoint[]> {
  const rows = await db.execute<{ at: string; step: string; p50: number; p95: number; n: number }>(sql`
    select ${bucketOf(p.range, sql`s.finished_at`)} as at, s.name as step,
      percentile_cont(0.5) within group (order by extract(epoch from s.finished_at - s.started_at))::float8 as p50,
      percentile_cont(0.95) within group (order by extract(epoch from s.finished_at - s.started_at))::float8 as p95,
      count(*)::int as n
    from runs r join run_steps s on s.run_id = r.id
    where r.project_id = ${p.projectId} and r.created_at >= ${fromOf(p.range)} - ${STEP_LOOKBACK} and r.created_at < ${toOf(p.range)}
      and s.status = 'succeeded' and s.started_at is not null
      and s.finished_at >= ${fromOf(p.range)} and s.finished_at < ${toOf(p.range)}
    group by 1, 2
    order by 1, 2`);
  return rows.map((r) => ({ at: r.at, step: r.step, p50S: r.p50, p95S: r.p95, count: r.n }));
}
