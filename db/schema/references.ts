import { index, jsonb, pgTable, real, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { modelVersions } from './models';
import { projects, users } from './projects';
import { runs } from './runs';
import { series, studies } from './studies';
import { uploads } from './uploads';

/**
 * A reference (ground-truth) segmentation attached to one series or volume of a study: a DICOM SEG
 * referencing the series, or a NIfTI labelmap on the volume's grid. The raw upload is PHI like any
 * other (raw-phi/, through the upload it came in); once checked, its de-identified labelmap is
 * written to derived/ (`labelmapKey`) and runs on the series are compared with it.
 */
export const studyReferences = pgTable(
  'study_references',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    studyId: uuid('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    seriesId: uuid('series_id')
      .notNull()
      .references(() => series.id, { onDelete: 'cascade' }),
    /** the upload the file came in (one file); its file row holds the refusal reason when checks fail */
    uploadId: uuid('upload_id')
      .notNull()
      .references(() => uploads.id, { onDelete: 'cascade' }),
    /** 'seg' | 'nifti', known once the file is checked */
    format: text('format'),
    /** derived/ key of the de-identified labelmap (NIfTI, on the series' grid); null until checked */
    labelmapKey: text('labelmap_key'),
    /** [{ value, name }]: the SEG's segments; for a NIfTI, empty (its values are the model's label values) */
    labels: jsonb('labels').$type<{ value: number; name: string }[]>().notNull().default([]),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    readyAt: timestamp('ready_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('study_references_upload_uq').on(t.uploadId), index('study_references_series_idx').on(t.seriesId)],
);
export type StudyReference = typeof studyReferences.$inferSelect;

/**
 * A run's mask against one reference: per-label Dice, HD95 and volume difference (lib/metrics), for
 * the serving version and, where the run had one, the shadow version (for its promotion gate only).
 */
export const referenceComparisons = pgTable(
  'reference_comparisons',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    runId: uuid('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    referenceId: uuid('reference_id')
      .notNull()
      .references(() => studyReferences.id, { onDelete: 'cascade' }),
    modelVersionId: uuid('model_version_id')
      .notNull()
      .references(() => modelVersions.id),
    /** lib/metrics ZMaskComparison: live = the reference, shadow = the run's serving mask */
    metrics: jsonb('metrics').$type<Record<string, unknown>>().notNull(),
    meanDice: real('mean_dice').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('reference_comparisons_run_ref_uq').on(t.runId, t.referenceId, t.modelVersionId),
    index('reference_comparisons_version_idx').on(t.modelVersionId, t.createdAt),
  ],
);
