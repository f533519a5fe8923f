import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { verdictEnum } from './enums';
import { modelVersions } from './models';
import { projects, users } from './projects';
import { runs } from './runs';

/** Shadow vs live masks of one run: per-label Dice, HD95 and volume difference. */
export const comparisons = pgTable(
  'comparisons',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    runId: uuid('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    liveVersionId: uuid('live_version_id')
      .notNull()
      .references(() => modelVersions.id),
    shadowVersionId: uuid('shadow_version_id')
      .notNull()
      .references(() => modelVersions.id),
    /** per label, lib/metrics ZLabelComparison: [{ value, name, dice, hd95Mm, assdMm, liveMl, shadowMl, volumeDiffMl, volumeDiffPct }] */
    metrics: jsonb('metrics').$type<Record<string, unknown>[]>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('comparisons_run_uq').on(t.runId, t.shadowVersionId),
    index('comparisons_shadow_idx').on(t.shadowVersionId),
    // the dashboard's agreement chart: a project's comparisons in a time range
    index('comparisons_project_created_idx').on(t.projectId, t.createdAt),
  ],
);
export type Comparison = typeof comparisons.$inferSelect;

export const reviewVerdicts = pgTable(
  'review_verdicts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    comparisonId: uuid('comparison_id')
      .notNull()
      .references(() => comparisons.id, { onDelete: 'cascade' }),
    reviewerId: uuid('reviewer_id')
      .notNull()
      .references(() => users.id),
    verdict: verdictEnum('verdict').notNull(),
    note: text('note'),
    details: jsonb('details').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('review_verdicts_comparison_reviewer_uq').on(t.comparisonId, t.reviewerId)],
);
export type ReviewVerdict = typeof reviewVerdicts.$inferSelect;
