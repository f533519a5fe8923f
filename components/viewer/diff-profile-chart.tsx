'use client';
import { Bar, BarChart, CartesianGrid, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';

/**
 * The disagreement profile: differing voxels per slice along the slice axis, with the slice shown
 * marked. Shaped data as props (the compare step's stored counts); clicking a bar goes to its slice.
 */
export function DiffProfileChart({ total, slice, onSlice }: { total: readonly number[]; slice: number; onSlice: (slice: number) => void }) {
  const data = total.map((count, i) => ({ slice: i, count }));
  return (
    <figure className="chart" data-testid="diff-profile" style={{ margin: 0 }}>
      <figcaption className="muted">Differing voxels per slice (click a bar to go to its slice)</figcaption>
      <BarChart
        width={560}
        height={120}
        data={data}
        margin={{ top: 8, right: 8, bottom: 4, left: 0 }}
        barCategoryGap={0}
        onClick={(e) => {
          const i = Number(e?.activeLabel);
          if (Number.isInteger(i)) onSlice(i);
        }}
      >
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        {/* slices count from 1 on screen, as in the viewer and the status line (0-based in the data and the URL) */}
        <XAxis dataKey="slice" tickFormatter={(s: number) => String(s + 1)} tick={{ fontSize: 10 }} interval="preserveStartEnd" minTickGap={24} />
        <YAxis tick={{ fontSize: 10 }} width={44} allowDecimals={false} />
        <Tooltip formatter={(v) => [String(v), 'differing voxels']} labelFormatter={(l) => `slice ${Number(l) + 1}`} />
        <Bar dataKey="count" fill="#cc79a7" isAnimationActive={false} />
        <ReferenceLine x={slice} stroke="#111" strokeWidth={1.5} />
      </BarChart>
    </figure>
  );
}
