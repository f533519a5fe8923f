import { bigint, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { dicomSourceEnum } from './enums';
import { projects, users } from './projects';
import { runs } from './runs';
import { studies } from './studies';

/**
 * The DICOMweb index: one row per DICOM instance under derived/ that a project serves over
 * DICOMweb (de-identified instances, the serving model's SEG, SEGs stored with STOW-RS). Filled
 * where those objects are written, from their own (de-identified) headers, so QIDO-RS answers from
 * here without reading any object. Never an instance under raw-phi/: UIDs and PatientID are the
 * de-identified ones.
 */
export const dicomInstances = pgTable(
  'dicom_instances',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    studyId: uuid('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    runId: uuid('run_id').references(() => runs.id, { onDelete: 'set null' }),
    source: dicomSourceEnum('source').notNull(),
    /** derived/… object key (lib/storage/keys.ts) and what was stored there */
    key: text('key').notNull(),
    versionId: text('version_id'),
    sha256: text('sha256').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    studyInstanceUid: text('study_instance_uid').notNull(),
    seriesInstanceUid: text('series_instance_uid').notNull(),
    sopInstanceUid: text('sop_instance_uid').notNull(),
    sopClassUid: text('sop_class_uid').notNull(),
    transferSyntaxUid: text('transfer_syntax_uid').notNull(),
    modality: text('modality'),
    seriesNumber: integer('series_number'),
    seriesDescription: text('series_description'),
    instanceNumber: integer('instance_number'),
    /** the de-identified PatientID (the project's pseudonym) */
    patientId: text('patient_id'),
    /** StudyDate as the de-identified header has it (shifted, or absent) */
    studyDate: text('study_date'),
    rows: integer('rows'),
    columns: integer('columns'),
    numberOfFrames: integer('number_of_frames').notNull().default(1),
    storedBy: uuid('stored_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // de-identified UIDs are stable per project (same input → same UID): a re-run adds no second row
    uniqueIndex('dicom_instances_project_sop_uq').on(t.projectId, t.sopInstanceUid),
    index('dicom_instances_project_study_idx').on(t.projectId, t.studyInstanceUid, t.seriesInstanceUid),
    index('dicom_instances_study_idx').on(t.studyId),
  ],
);
export type DicomInstance = typeof dicomInstances.$inferSelect;
