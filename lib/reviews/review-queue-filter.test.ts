import { describe, expect, it } from 'vitest';
import { applyQueueFilter, caseNavigation, parseQueueFilter, queueFilterQuery } from './review-queue-filter';
import type { ReviewQueueItem } from './schemas';

const item = (id: string, meanDice: number | null, reviewed: boolean): ReviewQueueItem => ({
  id,
  runId: `run-${id}`,
  projectSlug: 'p',
  studyLabel: `S-${id}`,
  model: 'm',
  createdAt: '2026-01-01T00:00:00.000Z',
  labels: [],
  meanDice,
  myVerdict: reviewed ? 'equivalent' : null,
});
// newest first, as listReviewQueue returns them
const queue = [item('a', 0.95, false), item('b', 0.7, true), item('c', 0.8, false), item('d', null, false), item('e', 0.6, false)];
const ids = (xs: { id: string }[]) => xs.map((x) => x.id);

describe('review queue filter', () => {
  it('parses the URL parameters, falling back to the defaults', () => {
    expect(parseQueueFilter({})).toEqual({ show: 'all', order: 'newest' });
    expect(parseQueueFilter({ show: 'unreviewed', order: ['low-dice', 'x'] })).toEqual({ show: 'unreviewed', order: 'low-dice' });
    expect(parseQueueFilter({ show: 'nonsense' })).toEqual({ show: 'all', order: 'newest' });
    expect(queueFilterQuery({ show: 'all', order: 'low-dice' })).toEqual({ order: 'low-dice' });
  });

  it('shows unreviewed cases only, and lowest mean Dice first (cases without Dice last)', () => {
    expect(ids(applyQueueFilter(queue, { show: 'all', order: 'newest' }))).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(ids(applyQueueFilter(queue, { show: 'unreviewed', order: 'newest' }))).toEqual(['a', 'c', 'd', 'e']);
    expect(ids(applyQueueFilter(queue, { show: 'all', order: 'low-dice' }))).toEqual(['e', 'b', 'c', 'a', 'd']);
    expect(ids(applyQueueFilter(queue, { show: 'unreviewed', order: 'low-dice' }))).toEqual(['e', 'c', 'a', 'd']);
  });

  it('gives the previous and next case in the filtered queue and the progress over the whole queue', () => {
    expect(caseNavigation(queue, 'c', { show: 'all', order: 'low-dice' })).toEqual({
      previous: 'b',
      next: 'a',
      position: 3,
      shown: 5,
      reviewed: 1,
      total: 5,
    });
    expect(caseNavigation(queue, 'e', { show: 'all', order: 'low-dice' })).toMatchObject({ previous: null, next: 'b', position: 1 });
    // a reviewed case under "unreviewed": not in the list, its neighbours are the unreviewed cases around it
    expect(caseNavigation(queue, 'b', { show: 'unreviewed', order: 'newest' })).toMatchObject({ previous: 'a', next: 'c', position: null, shown: 4 });
  });
});
