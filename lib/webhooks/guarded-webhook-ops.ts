/**
 * The webhook operations as the guard runs them, each declared once for its REST route and its
 * server action (Project settings): the guard spec (a project admin's) and the work, which names what
 * it did in the audit event. Routes and actions differ only in how they answer.
 */
import type { z } from 'zod';
import type { GuardContext, GuardSpec } from '../auth/guard';
import { createWebhook, deleteWebhook, type WebhookDto } from './manage-webhooks';
import { pingWebhook } from './ping-webhook';
import { redeliverWebhook } from './redeliver-webhook';
import { ZCreateWebhook, ZDeliveryRef, ZWebhookRef } from './schemas';

type TWebhookRef = z.infer<typeof ZWebhookRef>;
type TCreateWebhook = z.infer<typeof ZCreateWebhook>;
type TDeliveryRef = z.infer<typeof ZDeliveryRef>;

export const CREATE_WEBHOOK_GUARD = {
  action: 'webhook.create',
  permission: 'project:manage',
  input: ZCreateWebhook,
  project: (i) => i.project,
} satisfies GuardSpec<TCreateWebhook, 'project:manage'>;

/** Adds a webhook; the answer carries its secret, shown this once. */
export async function createWebhookGuarded(ctx: GuardContext<TCreateWebhook, 'project:manage'>): Promise<WebhookDto & { secret: string }> {
  const hook = await createWebhook(ctx.tx, { projectId: ctx.project!.id, url: ctx.input.url, events: ctx.input.events, createdBy: ctx.actor.userId });
  Object.assign(ctx.auditDetails, { webhook: hook.id, url: hook.url, events: hook.events });
  return hook;
}

export const DELETE_WEBHOOK_GUARD = {
  action: 'webhook.delete',
  permission: 'project:manage',
  input: ZWebhookRef,
  project: (i) => i.project,
  target: (i) => ({ type: 'webhook', id: i.webhook }),
} satisfies GuardSpec<TWebhookRef, 'project:manage'>;

/** Removes one of the project's webhooks and its delivery log. */
export async function deleteWebhookGuarded(ctx: GuardContext<TWebhookRef, 'project:manage'>): Promise<{ deleted: string }> {
  await deleteWebhook(ctx.tx, { projectId: ctx.project!.id, id: ctx.input.webhook });
  return { deleted: ctx.input.webhook };
}

export const REDELIVER_GUARD = {
  action: 'webhook.redeliver',
  permission: 'project:manage',
  input: ZDeliveryRef,
  project: (i) => i.project,
  target: (i) => ({ type: 'webhook_delivery', id: i.delivery }),
} satisfies GuardSpec<TDeliveryRef, 'project:manage'>;

/** Queues one of the project's deliveries again (same body, signed afresh). */
export async function redeliverGuarded(ctx: GuardContext<TDeliveryRef, 'project:manage'>): Promise<{ id: string; event: string; webhookId: string }> {
  const copy = await redeliverWebhook(ctx.tx, { projectId: ctx.project!.id, deliveryId: ctx.input.delivery });
  Object.assign(ctx.auditDetails, { delivery: copy.id, of: ctx.input.delivery, event: copy.event, webhook: copy.webhookId });
  return copy;
}

/** A test event (ping) for one hook. */
export const PING_GUARD = {
  action: 'webhook.ping',
  permission: 'project:manage',
  input: ZWebhookRef,
  project: (i) => i.project,
  target: (i) => ({ type: 'webhook', id: i.webhook }),
} satisfies GuardSpec<TWebhookRef, 'project:manage'>;

/** A guarded test event: queued for the hook, its delivery named in the audit event. */
export async function pingGuarded(ctx: GuardContext<TWebhookRef, 'project:manage'>): Promise<{ id: string; webhookId: string }> {
  const delivery = await pingWebhook(ctx.tx, { projectId: ctx.project!.id, webhookId: ctx.input.webhook, actorEmail: ctx.actor.email });
  Object.assign(ctx.auditDetails, { delivery: delivery.id });
  return delivery;
}
