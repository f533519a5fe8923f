import { and, eq } from 'drizzle-orm';
import { webhookDeliveries } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';

/**
 * Queues a delivery of the project again: a new delivery of the same hook with the same body (the
 * same event id, so a receiver that saw it can de-duplicate), due now, signed afresh when it is sent.
 * The original keeps its log. Returns the new delivery's id.
 */
export async function redeliverWebhook(db: DbOrTx, p: { projectId: string; deliveryId: string }): Promise<{ id: string; event: string; webhookId: string }> {
  const [original] = await db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, p.deliveryId), eq(webhookDeliveries.projectId, p.projectId)));
  if (!original) throw new AppError('not_found', `delivery ${p.deliveryId} not found in this project`);
  const [copy] = await db
    .insert(webhookDeliveries)
    .values({ webhookId: original.webhookId, projectId: original.projectId, event: original.event, body: original.body })
    .returning({ id: webhookDeliveries.id, event: webhookDeliveries.event, webhookId: webhookDeliveries.webhookId });
  return copy;
}
