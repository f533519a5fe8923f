'use client';
import { Bar, BarChart, CartesianGrid, Rectangle, ReferenceLine, Tooltip, XAxis, YAxis, type BarShapeProps } from 'recharts';
import type { DiceDistribution } from '@/lib/rollout/dice-distribution';

/**
 * One label's per-case Dice (shadow vs serving), every case sorted worst first, with the gate's
 * 10th-percentile and median thresholds as lines: a tail of bad cases shows at the left even when
 * the mean looks fine. Gets shaped data as props; never fetches.
 */
export function DiceDistributionChart({ d }: { d: DiceDistribution }) {
  const floor = Math.max(0, Math.min(d.min, d.thresholds.p10Min) - 0.05);
  const bad = (x: number) => x < d.thresholds.p10Min;
  return (
    <figure className="chart" data-testid={`dice-chart-${d.label}`} style={{ margin: 0 }}>
      <figcaption>
        <strong>{d.label}</strong>{' '}
        <span className="muted">
          {d.cases} cases · p10 {d.p10.toFixed(3)} · median {d.median.toFixed(3)} · mean {d.mean.toFixed(3)}
        </span>
      </figcaption>
      <BarChart width={360} height={160} data={d.points} margin={{ top: 8, right: 8, bottom: 16, left: 0 }} barCategoryGap={1}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="at" unit="%" tick={{ fontSize: 10 }} label={{ value: 'cases, worst first', position: 'insideBottom', offset: -8, fontSize: 10 }} />
        <YAxis domain={[Number(floor.toFixed(2)), 1]} tick={{ fontSize: 10 }} width={40} allowDataOverflow />
        <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(4) : String(v))} labelFormatter={(l) => `${l}% of cases at or below`} />
        <ReferenceLine
          y={d.thresholds.p10Min}
          stroke="#b91c1c"
          strokeDasharray="4 2"
          label={{ value: 'p10 min', fontSize: 10, position: 'insideBottomLeft' }}
        />
        <ReferenceLine
          y={d.thresholds.medianMin}
          stroke="#2563eb"
          strokeDasharray="4 2"
          label={{ value: 'median min', fontSize: 10, position: 'insideTopLeft' }}
        />
        <Bar
          dataKey="dice"
          name="Dice"
          isAnimationActive={false}
          fill="#2563eb"
          shape={(b: BarShapeProps) => (
            <Rectangle x={b.x} y={b.y} width={b.width} height={b.height} fill={typeof b.value === 'number' && bad(b.value) ? '#b91c1c' : '#2563eb'} />
          )}
        />
      </BarChart>
      {d.points.some((p) => bad(p.dice)) && (
        <div className="error">{d.points.filter((p) => bad(p.dice)).length} case(s) below the 10th-percentile threshold</div>
      )}
    </figure>
  );
}
