'use client';
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { seriesColor, tickOf } from './chart-colors';

export interface ShadowAgreementSeries {
  /** `<shadow> <label>` */
  series: string[];
  /** one row per bucket: `<series> median` and `<series> p10` */
  rows: Record<string, string | number>[];
  min: number;
}

/** Per-label Dice median (solid) and p10 (dashed) between the serving and the shadow mask, over time. */
export function ShadowAgreementChart({ data, bucket }: { data: ShadowAgreementSeries; bucket: 'hour' | 'day' }) {
  const floor = Math.max(0, Math.floor((data.min - 0.05) * 20) / 20);
  return (
    <LineChart width={520} height={220} data={data.rows} margin={{ top: 12, right: 8, bottom: 0, left: 0 }}>
      <CartesianGrid strokeDasharray="3 3" vertical={false} />
      <XAxis dataKey="at" tickFormatter={tickOf(bucket)} tick={{ fontSize: 10 }} />
      <YAxis domain={[floor, 1]} tick={{ fontSize: 10 }} width={40} allowDataOverflow />
      <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(4) : String(v))} />
      <Legend wrapperStyle={{ fontSize: 11 }} />
      {data.series.flatMap((s, i) => [
        <Line key={`${s}-median`} dataKey={`${s} median`} stroke={seriesColor(i)} dot isAnimationActive={false} connectNulls />,
        <Line key={`${s}-p10`} dataKey={`${s} p10`} stroke={seriesColor(i)} strokeDasharray="4 2" dot={false} isAnimationActive={false} connectNulls />,
      ])}
    </LineChart>
  );
}
