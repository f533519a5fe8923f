import { and, desc, eq, inArray } from 'drizzle-orm';
import { comparisons, projects, reviewVerdicts, runs, studies } from '@/db/schema';
import type { DbOrTx } from '../db';
import { labelAgreement, meanDice } from './label-agreement';
import type { ReviewQueueItem, Verdict } from './schemas';

/**
 * The reviewer's queue: shadow-vs-live comparisons of the given projects (those where the reviewer
 * holds review:read), newest first, with per-label Dice and whether this reviewer has given a
 * verdict. Only the pseudonymous study label is read, never an identity table.
 */
export async function listReviewQueue(db: DbOrTx, p: { projectIds: string[]; reviewerId: string; limit?: number }): Promise<ReviewQueueItem[]> {
  if (p.projectIds.length === 0) return [];
  const rows = await db
    .select({
      id: comparisons.id,
      runId: comparisons.runId,
      createdAt: comparisons.createdAt,
      metrics: comparisons.metrics,
      projectSlug: projects.slug,
      studyLabel: studies.label,
      params: runs.params,
      verdict: reviewVerdicts.verdict,
    })
    .from(comparisons)
    .innerJoin(runs, eq(runs.id, comparisons.runId))
    .innerJoin(studies, eq(studies.id, runs.studyId))
    .innerJoin(projects, eq(projects.id, comparisons.projectId))
    .leftJoin(reviewVerdicts, and(eq(reviewVerdicts.comparisonId, comparisons.id), eq(reviewVerdicts.reviewerId, p.reviewerId)))
    .where(inArray(comparisons.projectId, p.projectIds))
    .orderBy(desc(comparisons.createdAt), desc(comparisons.id))
    .limit(p.limit ?? 200);
  return rows.map((r) => {
    const labels = labelAgreement(r.metrics).map((l) => ({ name: l.name, dice: l.dice }));
    return {
      id: r.id,
      runId: r.runId,
      projectSlug: r.projectSlug,
      studyLabel: r.studyLabel,
      model: r.params.model,
      createdAt: r.createdAt.toISOString(),
      labels,
      meanDice: meanDice(labels),
      myVerdict: (r.verdict as Verdict | null) ?? null,
    };
  });
}
