import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db';
import type { DashboardRange } from './dashboard-range';
import { fromOf, toOf } from './sql-parts';

export interface ReferenceAccuracy {
  /** the model version, `model@version` */
  version: string;
  label: string;
  meanDice: number;
  p10Dice: number;
  /** runs compared with a reference (ground truth) in the range */
  cases: number;
}

/**
 * Each model version's accuracy against reference segmentations (ground truth, lib/references) over
 * the range: per label, the mean and 10th percentile of the Dice of its masks against the references.
 * Versions without any reference comparison are not listed.
 */
export async function referenceAccuracy(db: DbOrTx, p: { projectId: string; range: DashboardRange }): Promise<ReferenceAccuracy[]> {
  const rows = await db.execute<{ version: string; label: string; mean: number; p10: number; n: number }>(sql`
    select m.name || '@' || mv.version as version, e->>'name' as label,
      avg((e->>'dice')::float8)::float8 as mean,
      percentile_cont(0.1) within group (order by (e->>'dice')::float8)::float8 as p10,
      count(*)::int as n
    from reference_comparisons rc
    cross join lateral jsonb_array_elements(rc.metrics->'labels') e
    join model_versions mv on mv.id = rc.model_version_id
    join models m on m.id = mv.model_id
    where rc.project_id = ${p.projectId} and rc.created_at >= ${fromOf(p.range)} and rc.created_at < ${toOf(p.range)}
      and jsonb_typeof(e->'dice') = 'number'
    group by 1, 2
    order by 1, 2`);
  return rows.map((r) => ({ version: r.version, label: r.label, meanDice: r.mean, p10Dice: r.p10, cases: r.n }));
}
