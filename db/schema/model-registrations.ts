import { index, jsonb, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { modelVersions } from './models';
import { projects, users } from './projects';

export const modelRegistrationStatusEnum = pgEnum('model_registration_status', ['staged', 'accepted', 'refused']);

/** one declared file of a staged registration (lib/models/registration/schemas.ts) */
export interface StagedFile {
  /** onnx, spec, or one half of reference pair `pair` */
  role: 'onnx' | 'spec' | 'reference-input' | 'reference-mask';
  pair?: number;
  /** the client's file name, for messages and the evidence only; never part of a key */
  name: string;
  size: number;
  sha256: string;
  /** models/_staging/<registration>/<n>, made by the server */
  key: string;
}

/**
 * A model version being registered through the API (POST /api/models/:model/versions): the client
 * declares its files, puts them with presigned URLs under models/_staging/<id>/, then completes;
 * completion validates the staged objects, creates the version (accepted) or records why not
 * (refused), and deletes the staged objects either way.
 */
export const modelRegistrations = pgTable(
  'model_registrations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    modelName: text('model_name').notNull(),
    version: text('version').notNull(),
    /** the project named at staging (the caller's model:register was checked there), or null */
    projectId: uuid('project_id').references(() => projects.id, { onDelete: 'cascade' }),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    status: modelRegistrationStatusEnum('status').notNull().default('staged'),
    files: jsonb('files').$type<StagedFile[]>().notNull(),
    /** accepted: the version's evidence; refused: { reasons, parity? } */
    result: jsonb('result').$type<Record<string, unknown>>(),
    versionId: uuid('version_id').references(() => modelVersions.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [index('model_registrations_status_idx').on(t.status, t.expiresAt)],
);
export type ModelRegistration = typeof modelRegistrations.$inferSelect;
