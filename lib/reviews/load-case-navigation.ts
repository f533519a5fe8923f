import type { GuardContext } from '../auth/guard';
import { listReviewQueue } from './list-review-queue';
import { caseNavigation, type CaseNavigation, type TQueueFilter } from './review-queue-filter';
import { reviewProjectIds } from './review-projects';

/**
 * The case page's queue navigation, inside the case's guarded request: the reviewer's queue over
 * the projects where they hold review:read (as the queue page lists it), filtered as they chose.
 */
export async function loadCaseNavigation(ctx: GuardContext<{ comparison: string }>, filter: TQueueFilter): Promise<CaseNavigation> {
  const items = await listReviewQueue(ctx.tx, { projectIds: reviewProjectIds(ctx.actor), reviewerId: ctx.actor.userId });
  return caseNavigation(items, ctx.input.comparison, filter);
}
