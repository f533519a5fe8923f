'use server';
import { action } from '@/lib/auth/action';
import {
  CREATE_WEBHOOK_GUARD,
  DELETE_WEBHOOK_GUARD,
  PING_GUARD,
  REDELIVER_GUARD,
  createWebhookGuarded,
  deleteWebhookGuarded,
  pingGuarded,
  redeliverGuarded,
} from '@/lib/webhooks/guarded-webhook-ops';

/** Adds a webhook to the project; the answer carries its secret, shown this once. */
export const createWebhookAction = action(CREATE_WEBHOOK_GUARD, createWebhookGuarded);

export const deleteWebhookAction = action(DELETE_WEBHOOK_GUARD, deleteWebhookGuarded);

/** Queues a webhook delivery again (the delivery log's Redeliver button). */
export const redeliverWebhookAction = action(REDELIVER_GUARD, async (ctx) => ({ delivery: (await redeliverGuarded(ctx)).id }));

/** Sends a hook a test event (the webhook list's Send test event button). */
export const pingWebhookAction = action(PING_GUARD, async (ctx) => ({ delivery: (await pingGuarded(ctx)).id }));
