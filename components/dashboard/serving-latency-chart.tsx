'use client';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import type { ServingLatency } from '@/lib/dashboard/serving-latency';

export function ServingLatencyChart({ versions }: { versions: ServingLatency[] }) {
  const data = versions.map((v) => ({
    name: `${v.version}${v.servedBy === 'canary' ? ' (canary)' : ''}`,
    p50: Math.round(v.p50Ms),
    p95: Math.round(v.p95Ms),
    runs: v.count,
  }));
  return (
    <BarChart width={520} height={200} data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
      <CartesianGrid strokeDasharray="3 3" vertical={false} />
      <XAxis dataKey="name" tick={{ fontSize: 10 }} />
      <YAxis tickFormatter={(v: number) => `${v} ms`} tick={{ fontSize: 10 }} width={72} />
      <Tooltip formatter={(v, name) => (name === 'runs' ? String(v) : `${String(v)} ms`)} />
      <Legend wrapperStyle={{ fontSize: 11 }} />
      <Bar dataKey="p50" fill="#2563eb" isAnimationActive={false} />
      <Bar dataKey="p95" fill="#93c5fd" isAnimationActive={false} />
    </BarChart>
  );
}
