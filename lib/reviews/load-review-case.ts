import type { GuardContext, GuardSpec } from '../auth/guard';
import type { PresignedRecord } from '../viewer/presign-image';
import { getReviewCase } from './get-review-case';
import { projectOfComparison } from './project-of-comparison';
import { getDiffLayer } from './diff-view';
import { getReviewImages } from './review-images';
import { ZComparisonRef, type ReviewCaseView } from './schemas';

type TComparisonRef = { comparison: string };

/**
 * The guard of the review page: review:read on the comparison's project (reviewers hold no
 * run:read). Pages pass it to loadGuarded, tests to runGuarded; both audit the presigned links.
 */
export const REVIEW_CASE_GUARD: GuardSpec<TComparisonRef> = {
  action: 'review.read',
  permission: 'review:read',
  input: ZComparisonRef,
  project: (i, db) => projectOfComparison(db, i.comparison),
  target: (i) => ({ type: 'comparison', id: i.comparison }),
};

/** The case (metrics, versions, the reviewer's verdict), links to its volume and both masks, and its difference layer. */
export async function loadReviewCase(ctx: GuardContext<TComparisonRef>): Promise<ReviewCaseView> {
  const projectId = ctx.project!.id;
  const found = await getReviewCase(ctx.tx, { comparisonId: ctx.input.comparison, projectId, reviewerId: ctx.actor.userId });
  const presigned: PresignedRecord[] = [];
  ctx.auditDetails.presigned = presigned;
  const images = await getReviewImages(ctx.tx, { runId: found.runId, projectId, role: ctx.role, audit: presigned });
  const diff = await getDiffLayer(ctx.tx, { runId: found.runId, projectId, role: ctx.role, audit: presigned });
  return { ...found, images, diff };
}
