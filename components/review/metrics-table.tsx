import { fixed } from '@/lib/util/fixed';
import type { LabelAgreement } from '@/lib/reviews/schemas';

/** Shadow vs live agreement per label (Dice, HD95, volume difference). */
export function MetricsTable({ metrics }: { metrics: LabelAgreement[] }) {
  return (
    <table aria-label="Metrics">
      <thead>
        <tr>
          <th>Label</th>
          <th>Dice</th>
          <th>HD95 (mm)</th>
          <th>Volume difference, shadow − live (ml)</th>
          <th>(%)</th>
        </tr>
      </thead>
      <tbody>
        {metrics.map((m) => (
          <tr key={m.name} data-testid="metric-row">
            <td>{m.name}</td>
            <td>{fixed(m.dice, 4)}</td>
            <td>{fixed(m.hd95Mm, 2)}</td>
            <td>{fixed(m.volumeDiffMl, 2)}</td>
            <td>{fixed(m.volumeDiffPct, 1)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
