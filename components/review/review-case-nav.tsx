import Link from 'next/link';
import type { CaseNavigation, TQueueFilter } from '@/lib/reviews/review-queue-filter';
import { queueFilterQuery } from '@/lib/reviews/review-queue-filter';

/** Previous / next case in the reviewer's filtered queue, and their progress, without going back to the list. */
export function ReviewCaseNav({ nav, filter, view }: { nav: CaseNavigation; filter: TQueueFilter; view: 'diff' | 'masks' }) {
  const href = (id: string) => `/reviews/${id}?${new URLSearchParams({ ...queueFilterQuery(filter), ...(view === 'masks' ? { view } : {}) }).toString()}`;
  const describe = [filter.show === 'unreviewed' ? 'unreviewed cases' : 'all cases', filter.order === 'low-dice' ? 'lowest Dice first' : 'newest first'].join(
    ', ',
  );
  return (
    <nav aria-label="Review queue" className="inline" style={{ display: 'flex', gap: 16, alignItems: 'center', flexWrap: 'wrap' }}>
      {nav.previous ? (
        <Link href={href(nav.previous)} rel="prev">
          ← Previous case
        </Link>
      ) : (
        <span className="muted">← Previous case</span>
      )}
      {nav.next ? (
        <Link href={href(nav.next)} rel="next">
          Next case →
        </Link>
      ) : (
        <span className="muted">Next case →</span>
      )}
      <span className="muted" data-testid="review-position">
        {nav.position !== null ? `case ${nav.position} of ${nav.shown}` : `not in the list (${nav.shown} cases)`} · {describe}
      </span>
      <span data-testid="review-progress">
        <strong>{nav.reviewed}</strong> of {nav.total} reviewed
      </span>
    </nav>
  );
}
