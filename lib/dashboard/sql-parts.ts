import { sql, type SQL } from 'drizzle-orm';
import type { DashboardRange } from './dashboard-range';

/** A timestamp column truncated to the range's bucket, as `YYYY-MM-DDTHH:MMZ` (UTC): the charts' x values. */
export function bucketOf(range: DashboardRange, column: SQL | unknown): SQL<string> {
  return sql<string>`to_char(date_trunc(${range.bucket}, ${column} at time zone 'UTC'), 'YYYY-MM-DD"T"HH24:MI"Z"')`;
}

export function fromOf(range: DashboardRange): SQL {
  return sql`${range.from.toISOString()}::timestamptz`;
}

export function toOf(range: DashboardRange): SQL {
  return sql`${range.to.toISOString()}::timestamptz`;
}

/**
 * Runs whose steps can fall in the range: created in it, or up to a day before it (a step finishing
 * in the range belongs to a run created at most that long before: the executor's retries and lease
 * give up well within a day). Keeps every step query on the (project_id, created_at) index.
 */
export const STEP_LOOKBACK = sql`interval '1 day'`;
