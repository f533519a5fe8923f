import { z } from 'zod';
import { ReviewQueueFilters } from '@/components/review/review-queue-filters';
import { ReviewQueueTable } from '@/components/review/review-queue-table';
import { EmptyState } from '@/components/ui/empty-state';
import { PageError } from '@/components/ui/page-error';
import { loadGuarded } from '@/lib/auth/page';
import { listReviewQueue } from '@/lib/reviews/list-review-queue';
import { applyQueueFilter, parseQueueFilter, queueFilterQuery } from '@/lib/reviews/review-queue-filter';
import { reviewProjectIds } from '@/lib/reviews/review-projects';

export default async function ReviewsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const filter = parseQueueFilter(await searchParams);
  const res = await loadGuarded({ action: 'reviews.view', permission: 'review:read', input: z.object({}), project: () => null }, {}, async (ctx) =>
    listReviewQueue(ctx.tx, { projectIds: reviewProjectIds(ctx.actor), reviewerId: ctx.actor.userId }),
  );
  if (!res.ok) return <PageError error={res} />;
  const items = res.data;
  const reviewed = items.filter((i) => i.myVerdict).length;
  const shown = applyQueueFilter(items, filter);
  return (
    <>
      <h1>Reviews</h1>
      {items.length === 0 ? (
        <EmptyState title="Nothing to review">
          Cases where a shadow model ran beside the live one appear here for a side-by-side verdict. You only ever see de-identified data.
        </EmptyState>
      ) : (
        <>
          <p className="muted">
            {items.length} case{items.length === 1 ? '' : 's'}, {items.length - reviewed} without your verdict. Each compares the live model&apos;s mask with
            the shadow model&apos;s on de-identified images.
          </p>
          <p data-testid="review-progress">
            Your progress: <strong>{reviewed}</strong> of {items.length} reviewed <progress value={reviewed} max={items.length} aria-label="Cases reviewed" />
          </p>
          <ReviewQueueFilters filter={filter} />
          {shown.length === 0 ? (
            <p className="muted">No case matches: you have reviewed them all.</p>
          ) : (
            <ReviewQueueTable items={shown} caseQuery={queueFilterQuery(filter)} />
          )}
        </>
      )}
    </>
  );
}
