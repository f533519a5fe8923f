'use client';
import { Bar, BarChart, CartesianGrid, Rectangle, ReferenceLine, Tooltip, XAxis, YAxis, type BarShapeProps } from 'recharts';
import type { DiceDistribution } from '@/lib/rollout/dice-distribution';
import { plural } from '@/lib/util/plural';

/**
 * One label's per-case Dice (shadow vs serving), every case sorted worst first, with the gate's
 * 10th-percentile and median thresholds as lines: a tail of bad cases shows at the left even when
 * the mean looks fine. Gets shaped data as props; never fetches.
 */
/** Round ticks from the lowest Dice shown to 1 (an even split of the range gave 0.815, 0.945). */
function diceTicks(lowest: number): number[] {
  const step = 1 - lowest <= 0.25 ? 0.05 : 1 - lowest <= 0.5 ? 0.1 : 0.2;
  const from = Math.max(0, Math.floor(lowest / step) * step);
  const n = Math.round((1 - from) / step);
  return Array.from({ length: n + 1 }, (_, i) => Number((from + i * step).toFixed(2)));
}

export function DiceDistributionChart({ d }: { d: DiceDistribution }) {
  const ticks = diceTicks(Math.max(0, Math.min(d.min, d.thresholds.p10Min) - 0.05));
  const bad = (x: number) => x < d.thresholds.p10Min;
  const below = d.points.filter((p) => bad(p.dice)).length;
  return (
    <figure className="chart" data-testid={`dice-chart-${d.label}`} style={{ margin: 0 }}>
      <figcaption>
        <strong>{d.label}</strong>{' '}
        <span className="muted">
          {plural(d.cases, 'case')} · p10 {d.p10.toFixed(3)} · median {d.median.toFixed(3)} · mean {d.mean.toFixed(3)}
        </span>
      </figcaption>
      <BarChart width={384} height={160} data={d.points} margin={{ top: 8, right: 96, bottom: 16, left: 0 }} barCategoryGap={1}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="at" unit="%" tick={{ fontSize: 10 }} label={{ value: 'cases, worst first', position: 'insideBottom', offset: -8, fontSize: 10 }} />
        <YAxis domain={[ticks[0], 1]} ticks={ticks} tick={{ fontSize: 10 }} width={40} allowDataOverflow />
        <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(4) : String(v))} labelFormatter={(l) => `${l}% of cases at or below`} />
        <ReferenceLine
          y={d.thresholds.p10Min}
          stroke="#b91c1c"
          strokeDasharray="4 2"
          label={{ value: `p10 min ${d.thresholds.p10Min}`, fontSize: 10, position: 'right', fill: '#b91c1c' }}
        />
        <ReferenceLine
          y={d.thresholds.medianMin}
          stroke="#1e3a8a"
          strokeDasharray="4 2"
          label={{ value: `median min ${d.thresholds.medianMin}`, fontSize: 10, position: 'right', fill: '#1e3a8a' }}
        />
        <Bar
          dataKey="dice"
          name="Dice"
          isAnimationActive={false}
          fill="#93c5fd"
          shape={(b: BarShapeProps) => (
            <Rectangle x={b.x} y={b.y} width={b.width} height={b.height} fill={typeof b.value === 'number' && bad(b.value) ? '#f87171' : '#93c5fd'} />
          )}
        />
      </BarChart>
      {below > 0 && <div className="error">{plural(below, 'case')} below the 10th-percentile threshold</div>}
    </figure>
  );
}
