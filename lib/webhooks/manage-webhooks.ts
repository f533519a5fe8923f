import { randomBytes } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { webhooks } from '@/db/schema';
import { config } from '../config';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import type { WebhookEvent } from './events';
import { checkWebhookTarget } from './webhook-target';

/** a hook as admins see it: never its secret (shown once, at creation) */
export interface WebhookDto {
  id: string;
  url: string;
  events: WebhookEvent[];
  createdAt: string;
}

const dto = (w: typeof webhooks.$inferSelect): WebhookDto => ({
  id: w.id,
  url: w.url,
  events: w.events as WebhookEvent[],
  createdAt: w.createdAt.toISOString(),
});

/** Adds a hook to the project after checking its URL; returns it with its new secret, the only time the secret is shown. */
export async function createWebhook(
  db: DbOrTx,
  p: { projectId: string; url: string; events: WebhookEvent[]; createdBy: string; resolve?: (host: string) => Promise<string[]> },
): Promise<WebhookDto & { secret: string }> {
  const url = await checkWebhookTarget(p.url, { allowPrivate: config().webhooks.allowPrivate, resolve: p.resolve });
  if (p.events.length === 0) throw new AppError('invalid_input', 'events: choose at least one event', { field: 'events' });
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  const [row] = await db
    .insert(webhooks)
    .values({ projectId: p.projectId, url: url.toString(), events: [...new Set(p.events)], secret, createdBy: p.createdBy })
    .returning();
  return { ...dto(row), secret };
}

export async function listWebhooks(db: DbOrTx, projectId: string): Promise<WebhookDto[]> {
  return (await db.select().from(webhooks).where(eq(webhooks.projectId, projectId)).orderBy(desc(webhooks.createdAt))).map(dto);
}

/** Removes one of the project's hooks (its deliveries go with it); not_found for another project's hook. */
export async function deleteWebhook(db: DbOrTx, p: { projectId: string; id: string }): Promise<void> {
  const gone = await db
    .delete(webhooks)
    .where(and(eq(webhooks.id, p.id), eq(webhooks.projectId, p.projectId)))
    .returning({ id: webhooks.id });
  if (gone.length === 0) throw new AppError('not_found', `webhook ${p.id} not found in this project`);
}
