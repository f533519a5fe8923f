import Link from 'next/link';
import type { RunDto } from '@/lib/runs/schemas';
import { RunStatus } from './run-status';

function when(iso: string | null): string {
  return iso ? iso.slice(0, 16).replace('T', ' ') : '—';
}

function took(r: RunDto): string {
  if (!r.startedAt || !r.finishedAt) return '—';
  return `${Math.round((Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000)} s`;
}

/** `linkStudies`: whether the viewer may open studies (operators see runs, not studies: the label is text). */
export function RunsTable({ runs, showStudy = true, linkStudies = true }: { runs: RunDto[]; showStudy?: boolean; linkStudies?: boolean }) {
  return (
    <table aria-label="Runs">
      <thead>
        <tr>
          <th>Run</th>
          {showStudy && <th>Study</th>}
          <th>Model</th>
          <th>Status</th>
          <th>Submitted</th>
          <th>Took</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr key={r.id} data-testid="run-row">
            <td>
              <Link className="mono" href={`/runs/${r.id}`}>
                {r.id.slice(0, 8)}
              </Link>
            </td>
            {showStudy && <td>{linkStudies ? <Link href={`/studies/${r.studyId}`}>{r.studyLabel}</Link> : r.studyLabel}</td>}
            <td>
              {r.model}@{r.serving.version}
              {r.serving.role === 'canary' && ' (canary)'}
              {r.shadow && <span className="muted"> · shadow {r.shadow.version}</span>}
            </td>
            <td>
              <RunStatus status={r.status} />
              {r.warnings.length > 0 && (
                <span className="status status-warning" title={r.warnings.join('\n')} data-testid="run-warning">
                  warning
                </span>
              )}
            </td>
            <td>{when(r.createdAt)}</td>
            <td>{took(r)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
