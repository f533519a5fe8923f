'use client';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import type { ReferenceAccuracy } from '@/lib/dashboard/reference-accuracy';
import { seriesColor } from './chart-colors';

/** Per model version, each label's mean Dice against the reference segmentations (ground truth), with its p10 and case count in the tooltip. */
export function ReferenceAccuracyChart({ points }: { points: ReferenceAccuracy[] }) {
  const labels = [...new Set(points.map((p) => p.label))];
  const versions = [...new Set(points.map((p) => p.version))];
  const rows = versions.map((version) => {
    const row: Record<string, string | number> = { version };
    for (const p of points.filter((x) => x.version === version)) {
      row[p.label] = p.meanDice;
      row[`${p.label} p10`] = p.p10Dice;
      row[`${p.label} cases`] = p.cases;
    }
    return row;
  });
  return (
    <BarChart width={520} height={220} data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
      <CartesianGrid strokeDasharray="3 3" vertical={false} />
      <XAxis dataKey="version" tick={{ fontSize: 10 }} />
      <YAxis domain={[0, 1]} tick={{ fontSize: 10 }} width={40} />
      <Tooltip
        formatter={(v, name, item) => {
          const row = item.payload as Record<string, number>;
          return [`${typeof v === 'number' ? v.toFixed(4) : String(v)} (p10 ${Number(row[`${name} p10`]).toFixed(4)}, ${row[`${name} cases`]} runs)`, name];
        }}
      />
      <Legend wrapperStyle={{ fontSize: 11 }} />
      {labels.map((l, i) => (
        <Bar key={l} dataKey={l} fill={seriesColor(i)} isAnimationActive={false} />
      ))}
    </BarChart>
  );
}
