import { z } from 'zod';
import type { ReviewQueueItem } from './schemas';

/**
 * The reviewer's queue as they choose to walk it (URL parameters of the queue and of each case page,
 * so "next case" follows the same list): every case or only those without the reviewer's verdict,
 * newest first or lowest mean Dice first (the cases where the models disagree most).
 */
export const ZQueueFilter = z.object({
  show: z.enum(['all', 'unreviewed']).catch('all'),
  order: z.enum(['newest', 'low-dice']).catch('newest'),
});
export type TQueueFilter = z.infer<typeof ZQueueFilter>;

/** The filter of a page's search parameters; unknown values fall back to the defaults. */
export function parseQueueFilter(params: Record<string, string | string[] | undefined>): TQueueFilter {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  return ZQueueFilter.parse({ show: one(params.show), order: one(params.order) });
}

/** The search parameters that carry a filter (defaults left out). */
export function queueFilterQuery(f: TQueueFilter): Record<string, string> {
  return { ...(f.show !== 'all' ? { show: f.show } : {}), ...(f.order !== 'newest' ? { order: f.order } : {}) };
}

/** The queue (newest first, as listReviewQueue returns it) filtered and ordered; cases without Dice sort last under low-dice. */
export function applyQueueFilter(items: readonly ReviewQueueItem[], f: TQueueFilter): ReviewQueueItem[] {
  const shown = f.show === 'unreviewed' ? items.filter((i) => !i.myVerdict) : [...items];
  if (f.order === 'low-dice')
    return shown
      .map((item, i) => ({ item, i }))
      .sort((a, b) => (a.item.meanDice ?? 2) - (b.item.meanDice ?? 2) || a.i - b.i)
      .map((x) => x.item);
  return shown;
}

export interface CaseNavigation {
  /** the neighbours of the case in the filtered queue (null at its ends, or when the case is not in it) */
  previous: string | null;
  next: string | null;
  /** 1-based position in the filtered queue, null when the case is not in it (e.g. reviewed, under "unreviewed") */
  position: number | null;
  shown: number;
  /** the reviewer's progress over the whole queue */
  reviewed: number;
  total: number;
}

/**
 * Where a case sits in the reviewer's filtered queue. A case that left the filtered list (the
 * reviewer just gave it a verdict under "unreviewed") still has a next case: the first one after it
 * in the unfiltered order that is in the list.
 */
export function caseNavigation(items: readonly ReviewQueueItem[], caseId: string, f: TQueueFilter): CaseNavigation {
  const shown = applyQueueFilter(items, f);
  const at = shown.findIndex((i) => i.id === caseId);
  const reviewed = items.filter((i) => i.myVerdict).length;
  const base = { shown: shown.length, reviewed, total: items.length };
  if (at >= 0) return { ...base, previous: shown[at - 1]?.id ?? null, next: shown[at + 1]?.id ?? null, position: at + 1 };
  const ordered = applyQueueFilter(items, { ...f, show: 'all' });
  const from = ordered.findIndex((i) => i.id === caseId);
  const inShown = new Set(shown.map((i) => i.id));
  const after = from >= 0 ? ordered.slice(from + 1).find((i) => inShown.has(i.id)) : shown[0];
  const before =
    from >= 0
      ? ordered
          .slice(0, from)
          .reverse()
          .find((i) => inShown.has(i.id))
      : undefined;
  return { ...base, previous: before?.id ?? null, next: after?.id ?? null, position: null };
}
