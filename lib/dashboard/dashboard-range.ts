import { z } from 'zod';

/** The dashboard's time ranges: how far back, the bucket of its per-time charts, and the step of the queue-depth samples. */
export const DASHBOARD_RANGES = {
  '24h': { label: '24 h', hours: 24, bucket: 'hour', sampleHours: 0.25 },
  '7d': { label: '7 d', hours: 7 * 24, bucket: 'day', sampleHours: 6 },
  '30d': { label: '30 d', hours: 30 * 24, bucket: 'day', sampleHours: 24 },
} as const;
export type DashboardRangeKey = keyof typeof DASHBOARD_RANGES;
export const ZDashboardRangeKey = z.enum(Object.keys(DASHBOARD_RANGES) as [DashboardRangeKey, ...DashboardRangeKey[]], {
  message: `expected one of ${Object.keys(DASHBOARD_RANGES).join(', ')}`,
});

export interface DashboardRange {
  key: DashboardRangeKey;
  from: Date;
  to: Date;
  bucket: 'hour' | 'day';
  sampleHours: number;
}

export function dashboardRange(key: DashboardRangeKey, now = new Date()): DashboardRange {
  const r = DASHBOARD_RANGES[key];
  return { key, from: new Date(now.getTime() - r.hours * 3600_000), to: now, bucket: r.bucket, sampleHours: r.sampleHours };
}

/** Every bucket start (UTC, `YYYY-MM-DDTHH:MMZ`, as the queries format them) from the range's start to its end. */
export function bucketsOf(range: DashboardRange): string[] {
  const step = range.bucket === 'hour' ? 3600_000 : 24 * 3600_000;
  const start = new Date(range.from);
  if (range.bucket === 'hour') start.setUTCMinutes(0, 0, 0);
  else start.setUTCHours(0, 0, 0, 0);
  const out: string[] = [];
  for (let t = start.getTime(); t < range.to.getTime(); t += step) out.push(bucketText(new Date(t)));
  return out;
}

export function bucketText(d: Date): string {
  return `${d.toISOString().slice(0, 16)}Z`;
}
