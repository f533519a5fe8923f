import { bigint, bigserial, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { auditOutcomeEnum } from './enums';

/**
 * Append-only, hash-chained audit log: hash = sha256(prev_hash || canonical(event)). A trigger in the
 * migrations refuses UPDATE and DELETE for every role (only a superuser can bypass triggers).
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, mode: 'date', precision: 3 }).notNull(),
    actorId: uuid('actor_id'),
    actorLabel: text('actor_label').notNull(),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    projectId: uuid('project_id'),
    outcome: auditOutcomeEnum('outcome').notNull(),
    requestId: text('request_id').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
    /** the audit_pending_events row this event was chained from (reads), null for events appended chained */
    pendingId: bigint('pending_id', { mode: 'number' }),
  },
  (t) => [
    index('audit_events_project_idx').on(t.projectId, t.seq),
    index('audit_events_actor_idx').on(t.actorId, t.seq),
    uniqueIndex('audit_events_pending_id_idx').on(t.pendingId),
    // the audit log's filters within a project, newest first (lib/audit/list-audit-events.ts)
    index('audit_events_project_action_idx').on(t.projectId, t.action, t.seq),
    index('audit_events_project_outcome_idx').on(t.projectId, t.outcome, t.seq),
    index('audit_events_project_target_idx').on(t.projectId, t.targetType, t.targetId, t.seq),
    index('audit_events_project_actor_idx').on(t.projectId, t.actorId, t.seq),
    index('audit_events_project_label_idx').on(t.projectId, t.actorLabel, t.seq),
    index('audit_events_project_at_idx').on(t.projectId, t.at),
  ],
);
export type AuditEvent = typeof auditEvents.$inferSelect;

/**
 * Audit events of reads, written durably in the request's transaction without the chain lock, and
 * moved into the chain in order by the chainer (lib/audit/chain-pending-audit-events.ts). A trigger
 * refuses UPDATE and TRUNCATE, and DELETE of a row that is not yet in the chain.
 */
export const auditPendingEvents = pgTable(
  'audit_pending_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, mode: 'date', precision: 3 }).notNull(),
    actorId: uuid('actor_id'),
    actorLabel: text('actor_label').notNull(),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    projectId: uuid('project_id'),
    outcome: auditOutcomeEnum('outcome').notNull(),
    requestId: text('request_id').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('audit_pending_events_project_idx').on(t.projectId, t.id), index('audit_pending_events_actor_idx').on(t.actorId, t.id)],
);
export type AuditPendingEvent = typeof auditPendingEvents.$inferSelect;
