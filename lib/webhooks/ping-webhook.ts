import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { projects, webhookDeliveries, webhooks } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import { deliveryBody } from './emit-webhook-event';

/** The event name of a test delivery: sent to one hook on request, whatever it subscribed to. */
export const PING_EVENT = 'ping';

/**
 * Queues a test event for one of the project's hooks, due now: the receiver sees the body every
 * delivery has (signed the same way), with event `ping`, and the delivery log shows how it went.
 * Returns the delivery's id.
 */
export async function pingWebhook(db: DbOrTx, p: { projectId: string; webhookId: string; actorEmail: string }): Promise<{ id: string; webhookId: string }> {
  const [hook] = await db
    .select({ id: webhooks.id, url: webhooks.url, slug: projects.slug })
    .from(webhooks)
    .innerJoin(projects, eq(projects.id, webhooks.projectId))
    .where(and(eq(webhooks.id, p.webhookId), eq(webhooks.projectId, p.projectId)));
  if (!hook) throw new AppError('not_found', `webhook ${p.webhookId} not found in this project`);
  const body = deliveryBody({
    id: randomUUID(),
    event: PING_EVENT,
    createdAt: new Date().toISOString(),
    project: { id: p.projectId, slug: hook.slug },
    data: { webhook: hook.id, url: hook.url, sentBy: p.actorEmail, note: 'a test event: segflow can reach this URL and the signature can be checked' },
  });
  const [row] = await db
    .insert(webhookDeliveries)
    .values({ webhookId: hook.id, projectId: p.projectId, event: PING_EVENT, body })
    .returning({ id: webhookDeliveries.id, webhookId: webhookDeliveries.webhookId });
  return row;
}
