import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { webhookDeliveryStatusEnum } from './enums';
import { projects, users } from './projects';

/**
 * A project's webhook: where to POST which events (lib/webhooks/events.ts names them). The secret
 * signs every body (HMAC-SHA256); it is shown once when the hook is created and kept to sign with.
 */
export const webhooks = pgTable(
  'webhooks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    events: text('events').array().notNull(),
    secret: text('secret').notNull(),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('webhooks_project_idx').on(t.projectId)],
);
export type Webhook = typeof webhooks.$inferSelect;

/**
 * The outbox: one row per event and hook, written in the transaction of what happened, delivered
 * by the executor process (or an app that takes runs) — so a delivery survives restarts. A failed
 * attempt is retried with backoff (`next_attempt_at`); the row is the delivery log admins see.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    webhookId: uuid('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    event: text('event').notNull(),
    /** the JSON body, byte for byte what is signed and sent */
    body: text('body').notNull(),
    status: webhookDeliveryStatusEnum('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    /** per attempt: when, HTTP status or error, how long it took */
    log: jsonb('log').$type<{ at: string; status: number | null; error: string | null; ms: number }[]>().notNull().default([]),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [index('webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt), index('webhook_deliveries_hook_idx').on(t.webhookId, t.createdAt)],
);
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
