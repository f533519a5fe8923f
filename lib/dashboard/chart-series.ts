import type { ShadowAgreementPoint } from './shadow-agreement';
import type { StepDurationPoint } from './step-durations';

/** Step durations as chart rows: one row per bucket, `<step> p50` / `<step> p95` columns (seconds). */
export function stepDurationSeries(points: StepDurationPoint[]): { steps: string[]; rows: Record<string, string | number>[] } {
  const steps = [...new Set(points.map((p) => p.step))];
  const rows = new Map<string, Record<string, string | number>>();
  for (const p of points) {
    const row = rows.get(p.at) ?? { at: p.at };
    row[`${p.step} p50`] = Number(p.p50S.toFixed(3));
    row[`${p.step} p95`] = Number(p.p95S.toFixed(3));
    rows.set(p.at, row);
  }
  return { steps, rows: [...rows.values()].sort((a, b) => String(a.at).localeCompare(String(b.at))) };
}

/** Agreement as chart rows: one row per bucket, `<shadow> <label> median` / `… p10` columns. */
export function shadowAgreementSeries(points: ShadowAgreementPoint[]): { series: string[]; rows: Record<string, string | number>[]; min: number } {
  const series = [...new Set(points.map((p) => `${p.shadow} ${p.label}`))];
  const rows = new Map<string, Record<string, string | number>>();
  for (const p of points) {
    const row = rows.get(p.at) ?? { at: p.at };
    row[`${p.shadow} ${p.label} median`] = p.medianDice;
    row[`${p.shadow} ${p.label} p10`] = p.p10Dice;
    rows.set(p.at, row);
  }
  const min = points.length ? Math.min(...points.map((p) => p.p10Dice)) : 1;
  return { series, rows: [...rows.values()].sort((a, b) => String(a.at).localeCompare(String(b.at))), min };
}
