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

/** A custom range may span at most this many days: a year of day buckets is the most a chart draws legibly. */
export const MAX_CUSTOM_RANGE_DAYS = 366;

/** What the URL and the API name: a preset, or `custom` with its first and last day (UTC, both included). */
export type DashboardRangeSpec = { key: DashboardRangeKey } | { key: 'custom'; from: string; to: string };

export interface DashboardRange {
  key: DashboardRangeKey | 'custom';
  from: Date;
  to: Date;
  bucket: 'hour' | 'day';
  sampleHours: number;
}

const DAY_MS = 24 * 3600_000;
const ZDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'expected a date as YYYY-MM-DD', abort: true })
  .refine((s) => dayStart(s)?.toISOString().slice(0, 10) === s, 'not a calendar date');

function dayStart(s: string): Date | null {
  const d = new Date(`${s}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * The range fields of the dashboard's query (`range`, `from`, `to`). `from`/`to` mean a custom range
 * (`range` may then be omitted or `custom`); one issue, on the field at fault, for a bad one.
 */
export const ZDashboardRangeFields = {
  range: z
    .enum([...(Object.keys(DASHBOARD_RANGES) as DashboardRangeKey[]), 'custom'], {
      message: `expected one of ${Object.keys(DASHBOARD_RANGES).join(', ')}, custom`,
    })
    .optional(),
  from: ZDay.optional(),
  to: ZDay.optional(),
};

export type DashboardRangeFields = { range?: DashboardRangeKey | 'custom'; from?: string; to?: string };

/** The cross-field checks of a custom range, for a `superRefine` over an object holding ZDashboardRangeFields. */
export function checkCustomRange(v: DashboardRangeFields, ctx: z.RefinementCtx): void {
  const custom = v.range === 'custom' || v.from !== undefined || v.to !== undefined;
  if (!custom) return;
  if (v.range !== undefined && v.range !== 'custom') {
    ctx.addIssue({ code: 'custom', path: ['range'], message: `${v.range} takes no from/to; use range=custom` });
    return;
  }
  if (v.from === undefined) return void ctx.addIssue({ code: 'custom', path: ['from'], message: 'a custom range needs its first day (YYYY-MM-DD)' });
  if (v.to === undefined) return void ctx.addIssue({ code: 'custom', path: ['to'], message: 'a custom range needs its last day (YYYY-MM-DD)' });
  const from = dayStart(v.from);
  const to = dayStart(v.to);
  if (!from || !to) return; // the field's own issue names it
  if (v.to < v.from) return void ctx.addIssue({ code: 'custom', path: ['to'], message: `must be on or after from (${v.from})` });
  const days = (to.getTime() - from.getTime()) / DAY_MS + 1;
  if (days > MAX_CUSTOM_RANGE_DAYS)
    ctx.addIssue({ code: 'custom', path: ['to'], message: `a custom range spans at most ${MAX_CUSTOM_RANGE_DAYS} days (this one ${days})` });
}

/** The spec of checked range fields: a custom range when it has from/to, else the preset (7 d by default). */
export function rangeSpecOf(v: DashboardRangeFields): DashboardRangeSpec {
  if (v.from !== undefined && v.to !== undefined) return { key: 'custom', from: v.from, to: v.to };
  return { key: v.range === undefined || v.range === 'custom' ? '7d' : v.range };
}

/** The URL query of a range spec (without `?`). */
export function rangeQueryOf(spec: DashboardRangeSpec): string {
  return spec.key === 'custom' ? `range=custom&from=${spec.from}&to=${spec.to}` : `range=${spec.key}`;
}

export function dashboardRange(spec: DashboardRangeKey | DashboardRangeSpec, now = new Date()): DashboardRange {
  const s: DashboardRangeSpec = typeof spec === 'string' ? { key: spec } : spec;
  if (s.key !== 'custom') {
    const r = DASHBOARD_RANGES[s.key];
    return { key: s.key, from: new Date(now.getTime() - r.hours * 3600_000), to: now, bucket: r.bucket, sampleHours: r.sampleHours };
  }
  const from = dayStart(s.from)!;
  const to = new Date(dayStart(s.to)!.getTime() + DAY_MS);
  const hours = (to.getTime() - from.getTime()) / 3600_000;
  // the presets' resolution for spans like theirs: hours up to two days, then days; about 30–120 queue samples
  const bucket = hours <= 48 ? 'hour' : 'day';
  const sampleHours = hours <= 48 ? 0.25 : hours <= 14 * 24 ? 6 : 24;
  return { key: 'custom', from, to, bucket, sampleHours };
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
