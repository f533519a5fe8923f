import { fixed } from '@/lib/util/fixed';
import type { RunReferenceComparison } from '@/lib/references/list-run-reference-comparisons';

/** The run's mask against one reference (ground truth) per label: Dice, HD95 and volume difference. */
export function ReferenceMetricsTable({ comparison }: { comparison: RunReferenceComparison }) {
  const { metrics } = comparison;
  return (
    <>
      <p className="muted">
        Reference {comparison.format === 'seg' ? 'DICOM SEG' : 'NIfTI labelmap'}{' '}
        <span className="mono">{comparison.fileName ?? comparison.referenceId.slice(0, 8)}</span> · mean Dice {comparison.meanDice.toFixed(4)}
        {metrics.unmatched.length > 0 && <> · not in the model&apos;s labels: {metrics.unmatched.join(', ')}</>}
      </p>
      <table aria-label="Against the reference">
        <thead>
          <tr>
            <th>Label</th>
            <th>Dice</th>
            <th>HD95 (mm)</th>
            <th>Reference (ml)</th>
            <th>Model (ml)</th>
            <th>Volume difference, model − reference (ml)</th>
            <th>(%)</th>
          </tr>
        </thead>
        <tbody>
          {metrics.labels.map((m) => (
            <tr key={m.value} data-testid="reference-metric-row">
              <td>{m.name}</td>
              <td>{fixed(m.dice, 4)}</td>
              <td>{fixed(m.hd95Mm, 2)}</td>
              <td>{fixed(m.liveMl, 2)}</td>
              <td>{fixed(m.shadowMl, 2)}</td>
              <td>{fixed(m.volumeDiffMl, 2)}</td>
              <td>{fixed(m.volumeDiffPct, 1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
