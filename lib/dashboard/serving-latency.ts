import { sql } from 'drizzle-orm';
import { SERVING_INFER_TASK } from '../pipeline/definition';
import type { DbOrTx } from '../db';
import type { DashboardRange } from './dashboard-range';
import { fromOf, toOf } from './sql-parts';

export interface ServingLatency {
  /** `model@version` */
  version: string;
  /** live or canary */
  servedBy: string;
  p50Ms: number;
  p95Ms: number;
  count: number;
}

/** The serving inference step's duration per model version that served runs created in the range. */
export async function servingLatency(db: DbOrTx, p: { projectId: string; range: DashboardRange }): Promise<ServingLatency[]> {
  const rows = await db.execute<{ version: string; served_by: string; p50: number; p95: number; n: number }>(sql`
    select m.name || '@' || mv.version as version, coalesce(r.served_by::text, 'live') as served_by,
      percentile_cont(0.5) within group (order by extract(epoch from s.finished_at - s.started_at) * 1000)::float8 as p50,
      percentile_cont(0.95) within group (order by extract(epoch from s.finished_at - s.started_at) * 1000)::float8 as p95,
      count(*)::int as n
    from runs r
    join run_steps s on s.run_id = r.id and s.name = ${SERVING_INFER_TASK}
    join model_versions mv on mv.id = r.model_version_id
    join models m on m.id = mv.model_id
    where r.project_id = ${p.projectId} and r.created_at >= ${fromOf(p.range)} and r.created_at < ${toOf(p.range)}
      and s.status = 'succeeded' and s.started_at is not null and s.finished_at is not null
    group by 1, 2
    order by 1, 2`);
  return rows.map((r) => ({ version: r.version, servedBy: r.served_by, p50Ms: r.p50, p95Ms: r.p95, count: r.n }));
}
