import { sql } from 'drizzle-orm';
import { runStatusEnum } from '@/db/schema';
import type { DbOrTx } from '../db';
import { bucketsOf, type DashboardRange } from './dashboard-range';
import { bucketOf, fromOf, toOf } from './sql-parts';

export type RunStatusName = (typeof runStatusEnum.enumValues)[number];
export type RunsByStatusPoint = { at: string } & Record<RunStatusName, number>;

/** Runs created per bucket, by their status now: one aggregate over runs_project_created_idx. */
export async function runsByStatus(db: DbOrTx, p: { projectId: string; range: DashboardRange }): Promise<RunsByStatusPoint[]> {
  const rows = await db.execute<{ at: string; status: RunStatusName; n: number }>(sql`
    select ${bucketOf(p.range, sql`created_at`)} as at, status, count(*)::int as n
    from runs
    where project_id = ${p.projectId} and created_at >= ${fromOf(p.range)} and created_at < ${toOf(p.range)}
    group by 1, 2`);
  const zero = () => Object.fromEntries(runStatusEnum.enumValues.map((s) => [s, 0])) as Record<RunStatusName, number>;
  const byAt = new Map(bucketsOf(p.range).map((at) => [at, { at, ...zero() }]));
  for (const r of rows) {
    const point = byAt.get(r.at) ?? { at: r.at, ...zero() };
    point[r.status] = r.n;
    byAt.set(r.at, point);
  }
  return [...byAt.values()].sort((a, b) => a.at.localeCompare(b.at));
}
