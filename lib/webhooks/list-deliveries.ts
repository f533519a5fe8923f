import { and, desc, eq, lt } from 'drizzle-orm';
import { webhookDeliveries, webhooks } from '@/db/schema';
import type { DbOrTx } from '../db';

export interface WebhookDeliveryDto {
  id: string;
  webhookId: string;
  url: string;
  event: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  log: { at: string; status: number | null; error: string | null; ms: number }[];
}

/** The project's delivery log, newest first; `before` (a createdAt ISO time) pages back. */
export async function listWebhookDeliveries(
  db: DbOrTx,
  p: { projectId: string; webhookId?: string; limit?: number; before?: string },
): Promise<{ deliveries: WebhookDeliveryDto[]; nextBefore: string | null }> {
  const limit = p.limit ?? 50;
  const rows = await db
    .select({ d: webhookDeliveries, url: webhooks.url })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .where(
      and(
        eq(webhookDeliveries.projectId, p.projectId),
        p.webhookId ? eq(webhookDeliveries.webhookId, p.webhookId) : undefined,
        p.before ? lt(webhookDeliveries.createdAt, new Date(p.before)) : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return {
    deliveries: page.map(({ d, url }) => ({
      id: d.id,
      webhookId: d.webhookId,
      url,
      event: d.event,
      status: d.status,
      attempts: d.attempts,
      nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
      lastStatusCode: d.lastStatusCode,
      lastError: d.lastError,
      createdAt: d.createdAt.toISOString(),
      deliveredAt: d.deliveredAt?.toISOString() ?? null,
      log: d.log,
    })),
    nextBefore: rows.length > limit ? page[page.length - 1].d.createdAt.toISOString() : null,
  };
}
