import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { runStatusEnum, slotStageEnum, stepStatusEnum } from './enums';
import { modelVersions } from './models';
import { projects, users } from './projects';
import type { TRunCheck, TRunParams, TStepOutput } from './run-json';
import { studies } from './studies';

/**
 * A run takes one study through the pipeline. `runKey` = hash(input content, pipeline version,
 * model version, parameters): submitting the same thing again returns the existing run.
 */
export const runs = pgTable(
  'runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    studyId: uuid('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    runKey: text('run_key').notNull(),
    status: runStatusEnum('status').notNull().default('queued'),
    pipelineVersion: text('pipeline_version').notNull(),
    /** the version that served the run (live or canary) */
    modelVersionId: uuid('model_version_id').references(() => modelVersions.id),
    servedBy: slotStageEnum('served_by'),
    shadowVersionId: uuid('shadow_version_id').references(() => modelVersions.id),
    /** ZRunParams (./run-json.ts): parse with parseRunParams() where read */
    params: jsonb('params').$type<TRunParams>().notNull(),
    executor: text('executor').notNull().default('local'),
    /** Argo workflow name, or the local executor's run id */
    externalId: text('external_id'),
    /** the executor process holding the run (lib/executor/claim-run.ts): host/pid/tag, null when none does */
    claimedBy: text('claimed_by'),
    /**
     * until when the claim holds: the holder's heartbeat moves it on; once it lapsed, another executor
     * takes the run back (its executor died). Null: nobody need renew it (queued, finished, or followed
     * by the Argo executor once its workflow is submitted).
     */
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true }),
    /** which try of the run this is: 1, then one more per retry (lib/runs/retry-run.ts); each attempt's manifest has its own key */
    attempt: integer('attempt').notNull().default(1),
    manifestKey: text('manifest_key'),
    manifestSha256: text('manifest_sha256'),
    error: text('error'),
    /** implausible outputs of the serving model (lib/models/check-output-plausibility.ts): the run succeeded, flagged with these */
    warnings: jsonb('warnings').$type<string[]>().notNull().default([]),
    submittedBy: uuid('submitted_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('runs_project_key_uq').on(t.projectId, t.runKey),
    // the runs list (lib/runs/list-runs.ts): newest first by (created_at, id) within a project, one
    // index per filter so a filtered page is a range scan of that filter's rows only (keyset, no OFFSET)
    index('runs_project_created_idx').on(t.projectId, t.createdAt, t.id),
    index('runs_project_status_idx').on(t.projectId, t.status, t.createdAt, t.id),
    index('runs_project_model_idx').on(t.projectId, sql`(${t.params}->>'model')`, t.createdAt, t.id),
    index('runs_project_version_idx').on(t.projectId, t.modelVersionId, t.createdAt, t.id),
    index('runs_project_study_idx').on(t.projectId, t.studyId, t.createdAt, t.id),
    index('runs_project_submitter_idx').on(t.projectId, t.submittedBy, t.createdAt, t.id),
    index('runs_study_idx').on(t.studyId),
    // what claimNextRun() scans: an executor's queued runs and running ones whose lease may have lapsed
    index('runs_claimable_idx').on(t.executor, t.createdAt).where(sql`${t.status} in ('queued', 'running')`),
  ],
);
export type Run = typeof runs.$inferSelect;

export const runSteps = pgTable(
  'run_steps',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    runId: uuid('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    status: stepStatusEnum('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** ZStepOutput[] (./run-json.ts: name, key, versionId, sha256, size), recorded in the manifest; parse with parseStepOutputs() where read */
    outputs: jsonb('outputs').$type<TStepOutput[]>().notNull().default([]),
    error: text('error'),
    /** what the step waits for while it is pending on a cluster ("waiting for a GPU node"), for the run page */
    detail: text('detail'),
    /** ZRunCheck[] (./run-json.ts): an infer task's input-domain and output-plausibility checks; parse with parseRunChecks() where read */
    checks: jsonb('checks').$type<TRunCheck[]>().notNull().default([]),
  },
  (t) => [uniqueIndex('run_steps_run_name_uq').on(t.runId, t.name)],
);
export type RunStep = typeof runSteps.$inferSelect;
