import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { modelVersionStatusEnum, promotionStateEnum, slotStageEnum } from './enums';
import { projects, users } from './projects';

export const models = pgTable(
  'models',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    description: text('description'),
    /**
     * the project that owns the model: its operators and admins manage the slot (shadow, promotions,
     * rollbacks), its gate policy and who else may use it (model_grants). Null: registered without an
     * owner; every project may use it and nobody may change its slot until registration names one.
     */
    ownerProjectId: uuid('owner_project_id').references(() => projects.id),
    /**
     * this model's promotion gate, over the deployment's (SEGFLOW_GATE_POLICY, else the defaults):
     * any subset of lib/rollout/gate-policy.ts's fields; null = the deployment's policy. Set by the
     * owner's operators with a reason (lib/rollout/model-gate-policy.ts), shown on the Promotions page.
     */
    gatePolicy: jsonb('gate_policy').$type<Record<string, unknown>>(),
    gatePolicyReason: text('gate_policy_reason'),
    gatePolicyBy: uuid('gate_policy_by').references(() => users.id),
    gatePolicyAt: timestamp('gate_policy_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('models_name_uq').on(t.name)],
);
export type Model = typeof models.$inferSelect;

/** A project other than the owner that may run a model (granted by the owner's operators or admins). */
export const modelGrants = pgTable(
  'model_grants',
  {
    modelId: uuid('model_id')
      .notNull()
      .references(() => models.id, { onDelete: 'cascade' }),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    grantedBy: uuid('granted_by').references(() => users.id),
    grantedAt: timestamp('granted_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'model_grants_pk', columns: [t.modelId, t.projectId] }), index('model_grants_project_idx').on(t.projectId)],
);
export type ModelGrant = typeof modelGrants.$inferSelect;

export const modelVersions = pgTable(
  'model_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    modelId: uuid('model_id')
      .notNull()
      .references(() => models.id, { onDelete: 'cascade' }),
    version: text('version').notNull(),
    /** sha256 of model.onnx; the worker refuses an artifact whose hash differs */
    sha256: text('sha256').notNull(),
    artifactKey: text('artifact_key').notNull(),
    /** input spec (lib/models/model-spec.ts): grid, scaling, labels */
    spec: jsonb('spec').$type<Record<string, unknown>>().notNull(),
    status: modelVersionStatusEnum('status').notNull().default('registered'),
    /**
     * what registration checked, kept as evidence (lib/models/register-model-version.ts): the ONNX graph
     * (IR, opset, ops), the tiny test run, and the parity check per reference (Dice per label, differing voxels)
     */
    evidence: jsonb('evidence').$type<Record<string, unknown>>(),
    registeredBy: uuid('registered_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('model_versions_model_version_uq').on(t.modelId, t.version), index('model_versions_sha_idx').on(t.sha256)],
);
export type ModelVersion = typeof modelVersions.$inferSelect;

/** A model's deployment slot: one live version, optionally a shadow and a canary (with its share). */
export const deploymentSlots = pgTable(
  'deployment_slots',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    modelId: uuid('model_id')
      .notNull()
      .references(() => models.id, { onDelete: 'cascade' }),
    liveVersionId: uuid('live_version_id').references(() => modelVersions.id),
    shadowVersionId: uuid('shadow_version_id').references(() => modelVersions.id),
    canaryVersionId: uuid('canary_version_id').references(() => modelVersions.id),
    canaryPercent: integer('canary_percent').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('deployment_slots_model_uq').on(t.modelId)],
);
export type DeploymentSlot = typeof deploymentSlots.$inferSelect;

/** Every change of a slot's state, so "which version was live on that day" is always answerable. */
export const slotEvents = pgTable(
  'slot_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slotId: uuid('slot_id')
      .notNull()
      .references(() => deploymentSlots.id, { onDelete: 'cascade' }),
    versionId: uuid('version_id')
      .notNull()
      .references(() => modelVersions.id),
    stage: slotStageEnum('stage'),
    state: promotionStateEnum('state').notNull(),
    canaryPercent: integer('canary_percent'),
    /** gate evaluation that led here: thresholds, observed values, pass/fail per criterion */
    gate: jsonb('gate').$type<Record<string, unknown>>(),
    actorId: uuid('actor_id').references(() => users.id),
    reason: text('reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('slot_events_slot_idx').on(t.slotId, t.createdAt)],
);
export type SlotEvent = typeof slotEvents.$inferSelect;
