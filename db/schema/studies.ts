import { bigint, date, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { objectClassEnum, seriesKindEnum } from './enums';
import { projects, users } from './projects';

/**
 * Patient-identifying values live only here, one row per (project, original patient id). Everything
 * else refers to a patient by `pseudonym`. Read only through the researcher's project (lib/studies).
 */
export const patientIdentities = pgTable(
  'patient_identities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    pseudonym: text('pseudonym').notNull(),
    patientId: text('patient_id').notNull(),
    patientName: text('patient_name'),
    birthDate: text('birth_date'),
    sex: text('sex'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('patient_identities_project_patient_uq').on(t.projectId, t.patientId),
    uniqueIndex('patient_identities_project_pseudonym_uq').on(t.projectId, t.pseudonym),
  ],
);

export const studies = pgTable(
  'studies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    /** non-identifying label shown everywhere, e.g. "S-0001" */
    label: text('label').notNull(),
    /** pseudonymous subject id (patient_identities.pseudonym), null until headers are parsed */
    subjectPseudonym: text('subject_pseudonym'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // the studies list's keyset, unfiltered and by subject (lib/studies/list-studies.ts)
    index('studies_project_created_idx').on(t.projectId, t.createdAt, t.id),
    index('studies_project_subject_idx').on(t.projectId, t.subjectPseudonym, t.createdAt, t.id),
    uniqueIndex('studies_project_label_uq').on(t.projectId, t.label),
  ],
);
export type Study = typeof studies.$inferSelect;

/** Identifying study-level header values (accession, dates, institution, original UIDs). */
export const studyIdentities = pgTable(
  'study_identities',
  {
    studyId: uuid('study_id')
      .primaryKey()
      .references(() => studies.id, { onDelete: 'cascade' }),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    patientIdentityId: uuid('patient_identity_id').references(() => patientIdentities.id),
    studyInstanceUid: text('study_instance_uid'),
    accessionNumber: text('accession_number'),
    studyDate: date('study_date', { mode: 'string' }),
    institutionName: text('institution_name'),
  },
  (t) => [index('study_identities_project_idx').on(t.projectId)],
);

export const series = pgTable(
  'series',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    studyId: uuid('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    kind: seriesKindEnum('kind').notNull(),
    /** original SeriesInstanceUID (DICOM) used to group instances; replaced in derived/ copies */
    seriesInstanceUid: text('series_instance_uid'),
    /** DICOM: the header's Modality; NIfTI (which carries none): as the researcher stated it */
    modality: text('modality'),
    /** NIfTI: the body part the researcher stated (DICOM's BodyPartExamined is read from the instances) */
    bodyPart: text('body_part'),
    description: text('description'),
    instances: integer('instances').notNull().default(0),
    rows: integer('rows'),
    columns: integer('columns'),
    dims: jsonb('dims').$type<number[]>(),
    spacing: jsonb('spacing').$type<number[]>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('series_study_idx').on(t.studyId), uniqueIndex('series_study_uid_uq').on(t.studyId, t.seriesInstanceUid)],
);
export type Series = typeof series.$inferSelect;

/**
 * The modalities each study has a series of, kept by a trigger on series (migration
 * 0022_study_modalities; never written by the app): the studies list filtered by a modality walks
 * (project, modality, created_at, study) in keyset order instead of probing every study's series,
 * so a rare modality costs what a common one does. created_at is the study's.
 */
export const studyModalities = pgTable(
  'study_modalities',
  {
    studyId: uuid('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    modality: text('modality').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.studyId, t.modality] }), index('study_modalities_list_idx').on(t.projectId, t.modality, t.createdAt, t.studyId)],
);

/** Every object segflow wrote or accepted into the bucket. */
export const storedObjects = pgTable(
  'stored_objects',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id').references(() => projects.id, { onDelete: 'cascade' }),
    studyId: uuid('study_id').references(() => studies.id, { onDelete: 'cascade' }),
    seriesId: uuid('series_id').references(() => series.id, { onDelete: 'set null' }),
    key: text('key').notNull(),
    /** S3 version id when the store versions objects (s3rver does not) */
    versionId: text('version_id'),
    size: bigint('size', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    class: objectClassEnum('class').notNull(),
    contentType: text('content_type'),
    /** a DICOM image: its ImagePositionPatient along its slice normal, in mm; what the series' slice spacing is measured from */
    slicePosition: doublePrecision('slice_position'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('stored_objects_key_version_uq').on(t.key, t.versionId).nullsNotDistinct(),
    index('stored_objects_study_idx').on(t.studyId),
    index('stored_objects_sha_idx').on(t.projectId, t.sha256),
  ],
);
export type StoredObject = typeof storedObjects.$inferSelect;
