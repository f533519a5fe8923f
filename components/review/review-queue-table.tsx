import Link from 'next/link';
import { VERDICT_LABELS, type ReviewQueueItem } from '@/lib/reviews/schemas';

function when(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}

/** The reviewer's queue: one row per case, pseudonymous study label, per-label and mean Dice, own verdict; `caseQuery` carries the queue's filter to the case page. */
export function ReviewQueueTable({ items, caseQuery = {} }: { items: ReviewQueueItem[]; caseQuery?: Record<string, string> }) {
  const query = new URLSearchParams(caseQuery).toString();
  const labelNames = [...new Set(items.flatMap((i) => i.labels.map((l) => l.name)))];
  return (
    <table aria-label="Review queue">
      <thead>
        <tr>
          <th>Case</th>
          <th>Study</th>
          <th>Model</th>
          {labelNames.map((n) => (
            <th key={n}>Dice {n}</th>
          ))}
          <th>Mean Dice</th>
          <th>Compared</th>
          <th>Your verdict</th>
        </tr>
      </thead>
      <tbody>
        {items.map((c) => (
          <tr key={c.id} data-testid="review-row" data-run={c.runId} data-reviewed={c.myVerdict ? 'true' : 'false'}>
            <td>
              <Link className="mono" href={`/reviews/${c.id}${query ? `?${query}` : ''}`}>
                {c.id.slice(0, 8)}
              </Link>
            </td>
            <td>
              {c.studyLabel}
              {items.some((x) => x.projectSlug !== c.projectSlug) && <span className="muted"> · {c.projectSlug}</span>}
            </td>
            <td>{c.model}</td>
            {labelNames.map((n) => {
              const l = c.labels.find((x) => x.name === n);
              return <td key={n}>{l ? l.dice.toFixed(4) : '—'}</td>;
            })}
            <td>{c.meanDice === null ? '—' : c.meanDice.toFixed(4)}</td>
            <td>{when(c.createdAt)}</td>
            <td data-testid="review-verdict">{c.myVerdict ? VERDICT_LABELS[c.myVerdict] : <span className="muted">not yet</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
