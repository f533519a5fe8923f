'use client';
import { Area, AreaChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import type { QueueDepthPoint } from '@/lib/dashboard/queue-depth';
import { STATUS_COLORS, tickOf } from './chart-colors';

/**
 * The queue depth, sampled more often than the runs are bucketed (every 6 h over 7 days): with day
 * buckets one tick per day, at its first sample (each sample's own tick repeated the date).
 */
export function QueueDepthChart({ points, bucket }: { points: QueueDepthPoint[]; bucket: 'hour' | 'day' }) {
  const ticks = bucket === 'day' ? points.filter((p, i) => i === 0 || p.at.slice(0, 10) !== points[i - 1].at.slice(0, 10)).map((p) => p.at) : undefined;
  return (
    <AreaChart width={520} height={200} data={points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
      <CartesianGrid strokeDasharray="3 3" vertical={false} />
      <XAxis dataKey="at" ticks={ticks} tickFormatter={tickOf(bucket)} tick={{ fontSize: 10 }} />
      <YAxis allowDecimals={false} tick={{ fontSize: 10 }} width={36} />
      <Tooltip />
      <Legend wrapperStyle={{ fontSize: 11 }} />
      <Area type="stepAfter" dataKey="queued" stroke={STATUS_COLORS.queued} fill={STATUS_COLORS.queued} fillOpacity={0.3} isAnimationActive={false} />
      <Area type="stepAfter" dataKey="running" stroke={STATUS_COLORS.running} fill={STATUS_COLORS.running} fillOpacity={0.3} isAnimationActive={false} />
    </AreaChart>
  );
}
