'use client';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import type { RunsByStatusPoint } from '@/lib/dashboard/runs-by-status';
import { STATUS_COLORS, tickOf } from './chart-colors';

const STATUSES = ['succeeded', 'failed', 'cancelled', 'running', 'queued'] as const;

export function RunsByStatusChart({ points, bucket }: { points: RunsByStatusPoint[]; bucket: 'hour' | 'day' }) {
  return (
    <BarChart width={520} height={220} data={points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
      <CartesianGrid strokeDasharray="3 3" vertical={false} />
      <XAxis dataKey="at" tickFormatter={tickOf(bucket)} tick={{ fontSize: 10 }} />
      <YAxis allowDecimals={false} tick={{ fontSize: 10 }} width={36} />
      <Tooltip />
      <Legend wrapperStyle={{ fontSize: 11 }} />
      {STATUSES.map((s) => (
        <Bar key={s} dataKey={s} stackId="runs" fill={STATUS_COLORS[s]} isAnimationActive={false} />
      ))}
    </BarChart>
  );
}
