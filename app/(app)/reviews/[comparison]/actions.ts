'use server';
import { action } from '@/lib/auth/action';
import { projectOfComparison } from '@/lib/reviews/project-of-comparison';
import { ZSubmitVerdict } from '@/lib/reviews/schemas';
import { submitVerdict } from '@/lib/reviews/submit-verdict';

/** Records the reviewer's verdict on one case (one per reviewer; a second submission replaces it). */
export const submitVerdictAction = action(
  {
    action: 'review.verdict',
    permission: 'review:write',
    input: ZSubmitVerdict,
    project: (i, db) => projectOfComparison(db, i.comparison),
    target: (i) => ({ type: 'comparison', id: i.comparison }),
  },
  async (ctx) => {
    const saved = await submitVerdict(ctx.tx, {
      comparisonId: ctx.input.comparison,
      projectId: ctx.project!.id,
      reviewerId: ctx.actor.userId,
      verdict: ctx.input.verdict,
      comment: ctx.input.comment,
    });
    // the verdict, not the free-text comment: audit details stay free of anything a reviewer types
    Object.assign(ctx.auditDetails, { verdict: saved.verdict, updated: saved.updated, commented: Boolean(saved.comment) });
    return saved;
  },
);
