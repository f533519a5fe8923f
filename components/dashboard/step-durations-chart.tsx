'use client';
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { seriesColor, tickOf } from './chart-colors';

export interface StepDurationSeries {
  steps: string[];
  /** one row per bucket: `<step> p50` and `<step> p95` in seconds */
  rows: Record<string, string | number>[];
}

/** p50 (solid) and p95 (dashed) duration per step over time. */
export function StepDurationsChart({ data, bucket }: { data: StepDurationSeries; bucket: 'hour' | 'day' }) {
  return (
    <LineChart width={520} height={220} data={data.rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
      <CartesianGrid strokeDasharray="3 3" vertical={false} />
      <XAxis dataKey="at" tickFormatter={tickOf(bucket)} tick={{ fontSize: 10 }} />
      <YAxis tickFormatter={(v: number) => `${v} s`} tick={{ fontSize: 10 }} width={48} />
      <Tooltip formatter={(v) => (typeof v === 'number' ? `${v.toFixed(2)} s` : String(v))} />
      <Legend wrapperStyle={{ fontSize: 11 }} />
      {data.steps.flatMap((s, i) => [
        <Line key={`${s}-p50`} dataKey={`${s} p50`} stroke={seriesColor(i)} dot isAnimationActive={false} connectNulls />,
        <Line key={`${s}-p95`} dataKey={`${s} p95`} stroke={seriesColor(i)} strokeDasharray="4 2" dot={false} isAnimationActive={false} connectNulls />,
      ])}
    </LineChart>
  );
}
