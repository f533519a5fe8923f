import type { RunReferenceComparison } from '@/lib/references/list-run-reference-comparisons';

const fixed = (x: number | null, digits: number) => (x === null ? '—' : x.toFixed(digits));

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
              <td>{m.dice.toFixed(4)}</td>
              <td>{fixed(m.hd95Mm, 2)}</td>
              <td>{m.liveMl.toFixed(2)}</td>
              <td>{m.shadowMl.toFixed(2)}</td>
              <td>{m.volumeDiffMl.toFixed(2)}</td>
              <td>{fixed(m.volumeDiffPct, 1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
