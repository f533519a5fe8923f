/** Status colours shared with the run status badges' meaning: green done, red failed, grey waiting. */
export const STATUS_COLORS: Record<string, string> = {
  queued: '#9ca3af',
  running: '#2563eb',
  succeeded: '#16a34a',
  failed: '#dc2626',
  cancelled: '#a16207',
};

const PALETTE = ['#2563eb', '#16a34a', '#dc2626', '#9333ea', '#ea580c', '#0891b2', '#be185d', '#4d7c0f'];

export function seriesColor(i: number): string {
  return PALETTE[i % PALETTE.length];
}

/** `2026-12-01T10:00Z` → `12-01 10:00` (hour buckets) or `12-01` (day buckets) */
export function tickOf(bucket: 'hour' | 'day'): (at: string) => string {
  return (at) => (bucket === 'hour' ? `${at.slice(5, 10)} ${at.slice(11, 16)}` : at.slice(5, 10));
}
