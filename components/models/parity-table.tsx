import type { ParityDto } from '@/lib/models/registration/schemas';

/** Registration's parity check: per reference pair, Dice per label (below the threshold in red) and the voxels that differ. */
export function ParityTable({ parity }: { parity: ParityDto }) {
  const labels = [...new Set(parity.references.flatMap((r) => Object.keys(r.dice)))];
  return (
    <table data-testid="parity-table">
      <thead>
        <tr>
          <th>Reference (input → mask)</th>
          {labels.map((l) => (
            <th key={l}>Dice {l}</th>
          ))}
          <th>Differing voxels</th>
          <th>Result</th>
        </tr>
      </thead>
      <tbody>
        {parity.references.map((r) => (
          <tr key={r.name}>
            <td className="mono">{r.name}</td>
            {labels.map((l) => (
              <td key={l} className={r.dice[l] < parity.minDice ? 'error' : undefined} data-testid={`dice-${l}`}>
                {r.dice[l]?.toFixed(4) ?? '—'}
              </td>
            ))}
            <td>
              {r.differingVoxels.toLocaleString('en')} of {r.voxels.toLocaleString('en')}
            </td>
            <td className={r.passed ? 'ok' : 'error'}>{r.passed ? 'reproduced' : `not reproduced (every label needs Dice ≥ ${parity.minDice})`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
