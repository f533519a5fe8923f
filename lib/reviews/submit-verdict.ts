import { and, eq } from 'drizzle-orm';
import { comparisons, reviewVerdicts } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import type { MyVerdict, Verdict } from './schemas';

/**
 * Records a reviewer's verdict on one case: one row per reviewer and comparison (the unique index
 * review_verdicts_comparison_reviewer_uq); a second submission replaces the first.
 */
export async function submitVerdict(
  db: DbOrTx,
  p: { comparisonId: string; projectId: string; reviewerId: string; verdict: Verdict; comment?: string | null },
): Promise<MyVerdict & { updated: boolean }> {
  const [cmp] = await db
    .select({ id: comparisons.id })
    .from(comparisons)
    .where(and(eq(comparisons.id, p.comparisonId), eq(comparisons.projectId, p.projectId)))
    .limit(1);
  if (!cmp) throw new AppError('not_found', `review case ${p.comparisonId} not found`);
  const [before] = await db
    .select({ id: reviewVerdicts.id })
    .from(reviewVerdicts)
    .where(and(eq(reviewVerdicts.comparisonId, cmp.id), eq(reviewVerdicts.reviewerId, p.reviewerId)))
    .limit(1);
  const now = new Date();
  const note = p.comment ? p.comment : null;
  const [row] = await db
    .insert(reviewVerdicts)
    .values({ comparisonId: cmp.id, reviewerId: p.reviewerId, verdict: p.verdict, note, createdAt: now })
    .onConflictDoUpdate({
      target: [reviewVerdicts.comparisonId, reviewVerdicts.reviewerId],
      set: { verdict: p.verdict, note, details: { updatedAt: now.toISOString() } },
    })
    .returning();
  return { verdict: row.verdict as Verdict, comment: row.note, at: now.toISOString(), updated: Boolean(before) };
}
