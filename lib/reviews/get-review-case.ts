import { and, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { comparisons, modelVersions, projects, reviewVerdicts, runs, studies } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import { labelAgreement } from './label-agreement';
import type { ReviewCaseDto, Verdict } from './schemas';

const liveVersion = alias(modelVersions, 'live_version');
const shadowVersion = alias(modelVersions, 'shadow_version');

/** One review case of a project: the comparison's metrics, the versions compared, and this reviewer's verdict. */
export async function getReviewCase(db: DbOrTx, p: { comparisonId: string; projectId: string; reviewerId: string }): Promise<ReviewCaseDto> {
  const [row] = await db
    .select({
      id: comparisons.id,
      runId: comparisons.runId,
      createdAt: comparisons.createdAt,
      metrics: comparisons.metrics,
      projectSlug: projects.slug,
      studyLabel: studies.label,
      params: runs.params,
      liveVersion: liveVersion.version,
      shadowVersion: shadowVersion.version,
    })
    .from(comparisons)
    .innerJoin(runs, eq(runs.id, comparisons.runId))
    .innerJoin(studies, eq(studies.id, runs.studyId))
    .innerJoin(projects, eq(projects.id, comparisons.projectId))
    .innerJoin(liveVersion, eq(liveVersion.id, comparisons.liveVersionId))
    .innerJoin(shadowVersion, eq(shadowVersion.id, comparisons.shadowVersionId))
    .where(and(eq(comparisons.id, p.comparisonId), eq(comparisons.projectId, p.projectId)))
    .limit(1);
  if (!row) throw new AppError('not_found', `review case ${p.comparisonId} not found`);
  const [mine] = await db
    .select()
    .from(reviewVerdicts)
    .where(and(eq(reviewVerdicts.comparisonId, row.id), eq(reviewVerdicts.reviewerId, p.reviewerId)))
    .limit(1);
  return {
    id: row.id,
    runId: row.runId,
    projectSlug: row.projectSlug,
    studyLabel: row.studyLabel,
    model: row.params.model,
    liveVersion: row.liveVersion,
    shadowVersion: row.shadowVersion,
    createdAt: row.createdAt.toISOString(),
    metrics: labelAgreement(row.metrics),
    myVerdict: mine
      ? { verdict: mine.verdict as Verdict, comment: mine.note, at: (mine.details?.updatedAt as string | undefined) ?? mine.createdAt.toISOString() }
      : null,
  };
}
