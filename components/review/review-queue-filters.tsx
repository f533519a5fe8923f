import Link from 'next/link';
import { queueFilterQuery, type TQueueFilter } from '@/lib/reviews/review-queue-filter';

/** The queue's filters as links (kept in the URL): which cases, in which order. */
export function ReviewQueueFilters({ filter }: { filter: TQueueFilter }) {
  const href = (f: TQueueFilter) => `/reviews?${new URLSearchParams(queueFilterQuery(f)).toString()}`;
  const option = (label: string, f: TQueueFilter, current: boolean) =>
    current ? <strong aria-current="true">{label}</strong> : <Link href={href(f)}>{label}</Link>;
  return (
    <nav aria-label="Queue filters" className="inline" style={{ display: 'flex', gap: 24, marginBottom: 8, flexWrap: 'wrap' }}>
      <span>
        Show: {option('all cases', { ...filter, show: 'all' }, filter.show === 'all')} ·{' '}
        {option('unreviewed only', { ...filter, show: 'unreviewed' }, filter.show === 'unreviewed')}
      </span>
      <span>
        Order: {option('newest first', { ...filter, order: 'newest' }, filter.order === 'newest')} ·{' '}
        {option('lowest Dice first', { ...filter, order: 'low-dice' }, filter.order === 'low-dice')}
      </span>
    </nav>
  );
}
