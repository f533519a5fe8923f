'use server';
import { action } from '@/lib/auth/action';
import { createWebhook, deleteWebhook } from '@/lib/webhooks/manage-webhooks';
import { PING_GUARD, pingGuarded } from '@/lib/webhooks/ping-webhook';
import { redeliverWebhook } from '@/lib/webhooks/redeliver-webhook';
import { ZCreateWebhook, ZDeliveryRef, ZWebhookRef } from '@/lib/webhooks/schemas';

/** Adds a webhook to the project; the answer carries its secret, shown this once. */
export const createWebhookAction = action(
  { action: 'webhook.create', permission: 'project:manage', input: ZCreateWebhook, project: (i) => i.project },
  async (ctx) => {
    const hook = await createWebhook(ctx.tx, { projectId: ctx.project!.id, url: ctx.input.url, events: ctx.input.events, createdBy: ctx.actor.userId });
    Object.assign(ctx.auditDetails, { webhook: hook.id, url: hook.url, events: hook.events });
    return hook;
  },
);

export const deleteWebhookAction = action(
  {
    action: 'webhook.delete',
    permission: 'project:manage',
    input: ZWebhookRef,
    project: (i) => i.project,
    target: (i) => ({ type: 'webhook', id: i.webhook }),
  },
  async (ctx) => {
    await deleteWebhook(ctx.tx, { projectId: ctx.project!.id, id: ctx.input.webhook });
    return { deleted: ctx.input.webhook };
  },
);

/** Queues a webhook delivery again (the delivery log's Redeliver button). */
export const redeliverWebhookAction = action(
  {
    action: 'webhook.redeliver',
    permission: 'project:manage',
    input: ZDeliveryRef,
    project: (i) => i.project,
    target: (i) => ({ type: 'webhook_delivery', id: i.delivery }),
  },
  async (ctx) => {
    const copy = await redeliverWebhook(ctx.tx, { projectId: ctx.project!.id, deliveryId: ctx.input.delivery });
    Object.assign(ctx.auditDetails, { delivery: copy.id, of: ctx.input.delivery, event: copy.event, webhook: copy.webhookId });
    return { delivery: copy.id };
  },
);

/** Sends a hook a test event (the webhook list's Send test event button). */
export const pingWebhookAction = action(PING_GUARD, async (ctx) => ({ delivery: (await pingGuarded(ctx)).id }));
