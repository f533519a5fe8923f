import type { LabelAgreement } from './schemas';

type StoredMetric = { value?: unknown; name?: unknown; dice?: unknown; hd95Mm?: unknown; volumeDiffMl?: unknown; volumeDiffPct?: unknown };

const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/** comparisons.metrics (written by the compare step) as the review pages show it, in label order. */
export function labelAgreement(metrics: unknown): LabelAgreement[] {
  if (!Array.isArray(metrics)) return [];
  return (metrics as StoredMetric[])
    .filter((m) => typeof m.name === 'string' && num(m.dice) !== null)
    .map((m) => ({
      value: num(m.value) ?? 0,
      name: m.name as string,
      dice: num(m.dice)!,
      hd95Mm: num(m.hd95Mm),
      volumeDiffMl: num(m.volumeDiffMl) ?? 0,
      volumeDiffPct: num(m.volumeDiffPct),
    }))
    .sort((a, b) => a.value - b.value);
}

export function meanDice(labels: { dice: number }[]): number | null {
  return labels.length ? labels.reduce((s, l) => s + l.dice, 0) / labels.length : null;
}
