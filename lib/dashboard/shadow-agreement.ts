import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db';
import type { DashboardRange } from './dashboard-range';
import { bucketOf, fromOf, toOf } from './sql-parts';

export interface ShadowAgreementPoint {
  at: string;
  /** the shadow candidate, `model@version` */
  shadow: string;
  label: string;
  medianDice: number;
  p10Dice: number;
  cases: number;
}

/**
 * Live-vs-shadow agreement per bucket: per label, the median and 10th percentile of the Dice between
 * the serving and the shadow mask over the comparisons made then (drift without ground truth).
 */
export async function shadowAgreement(db: DbOrTx, p: { projectId: string; range: DashboardRange }): Promise<ShadowAgreementPoint[]> {
  const rows = await db.execute<{ at: string; shadow: string; label: string; median: number; p10: number; n: number }>(sql`
    select ${bucketOf(p.range, sql`c.created_at`)} as at, m.name || '@' || mv.version as shadow, e->>'name' as label,
      percentile_cont(0.5) within group (order by (e->>'dice')::float8)::float8 as median,
      percentile_cont(0.1) within group (order by (e->>'dice')::float8)::float8 as p10,
      count(*)::int as n
    from comparisons c
    cross join lateral jsonb_array_elements(c.metrics) e
    join model_versions mv on mv.id = c.shadow_version_id
    join models m on m.id = mv.model_id
    where c.project_id = ${p.projectId} and c.created_at >= ${fromOf(p.range)} and c.created_at < ${toOf(p.range)}
      and jsonb_typeof(e->'dice') = 'number'
    group by 1, 2, 3
    order by 1, 2, 3`);
  return rows.map((r) => ({ at: r.at, shadow: r.shadow, label: r.label, medianDice: r.median, p10Dice: r.p10, cases: r.n }));
}
