import { randomUUID } from 'node:crypto';
import { and, arrayContains, eq, inArray } from 'drizzle-orm';
import { projects, webhookDeliveries, webhooks } from '@/db/schema';
import type { DbOrTx } from '../db';
import type { WebhookEvent } from './events';

/**
 * Puts an event into the outbox for every hook of the given projects that subscribed to it, in the
 * caller's transaction: the delivery exists exactly when what it reports was committed. The body is
 * fixed here (what is signed and sent): `{ id, event, createdAt, project: { id, slug }, data }`;
 * `id` is the event's, the same in every project's delivery. Returns the number of deliveries queued.
 */
export async function emitWebhookEvent(db: DbOrTx, p: { projectIds: string[]; event: WebhookEvent; data: Record<string, unknown> }): Promise<number> {
  if (p.projectIds.length === 0) return 0;
  const hooks = await db
    .select({ id: webhooks.id, projectId: webhooks.projectId, slug: projects.slug })
    .from(webhooks)
    .innerJoin(projects, eq(projects.id, webhooks.projectId))
    .where(and(inArray(webhooks.projectId, p.projectIds), arrayContains(webhooks.events, [p.event])));
  if (hooks.length === 0) return 0;
  const id = randomUUID();
  const createdAt = new Date().toISOString();
  await db.insert(webhookDeliveries).values(
    hooks.map((h) => ({
      webhookId: h.id,
      projectId: h.projectId,
      event: p.event,
      body: deliveryBody({ id, event: p.event, createdAt, project: { id: h.projectId, slug: h.slug }, data: p.data }),
    })),
  );
  return hooks.length;
}

/** What every delivery sends (and signs): the event's id, name and time, the project, the event's data. */
export function deliveryBody(b: {
  id: string;
  event: string;
  createdAt: string;
  project: { id: string; slug: string };
  data: Record<string, unknown>;
}): string {
  return JSON.stringify({ id: b.id, event: b.event, createdAt: b.createdAt, project: b.project, data: b.data });
}
