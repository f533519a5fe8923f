import { bigint, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { uploadFileStatusEnum, uploadStatusEnum } from './enums';
import { projects, users } from './projects';
import { storedObjects, studies } from './studies';

/** One browser or CLI upload session into a study. Objects go to raw-phi/<project>/<study>/<upload>/<n>. */
export const uploads = pgTable(
  'uploads',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    studyId: uuid('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    status: uploadStatusEnum('status').notNull().default('open'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [index('uploads_project_idx').on(t.projectId), index('uploads_status_idx').on(t.status, t.createdAt)],
);
export type Upload = typeof uploads.$inferSelect;

export const uploadFiles = pgTable(
  'upload_files',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    uploadId: uuid('upload_id')
      .notNull()
      .references(() => uploads.id, { onDelete: 'cascade' }),
    /** position in the upload; the object key ends with it */
    index: integer('index').notNull(),
    /** the client's file name, for messages only (may itself be identifying: raw-phi scope) */
    fileName: text('file_name').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    /** declared by the client, checked against the stored bytes before the file is accepted */
    sha256: text('sha256').notNull(),
    key: text('key').notNull(),
    /** S3 multipart upload id when the file goes in parts */
    multipartId: text('multipart_id'),
    partSize: integer('part_size'),
    status: uploadFileStatusEnum('status').notNull().default('pending'),
    error: text('error'),
    objectId: uuid('object_id').references(() => storedObjects.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('upload_files_upload_index_uq').on(t.uploadId, t.index), uniqueIndex('upload_files_key_uq').on(t.key)],
);
export type UploadFile = typeof uploadFiles.$inferSelect;
