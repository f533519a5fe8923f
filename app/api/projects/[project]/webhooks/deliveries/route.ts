import { route } from '@/lib/auth/route';
import { listWebhookDeliveries } from '@/lib/webhooks/list-deliveries';
import { ZListDeliveries } from '@/lib/webhooks/schemas';

/**
 * The project's webhook delivery log, newest first: `{ deliveries, nextBefore }` (each with its
 * attempts, last status or error, and when it is tried next); `webhook=` narrows it to one hook.
 */
export const GET = route({ action: 'webhook.deliveries', permission: 'project:manage', input: ZListDeliveries, project: (i) => i.project }, async (ctx) => {
  const { project: _p, ...rest } = ctx.input;
  return listWebhookDeliveries(ctx.tx, { projectId: ctx.project!.id, ...rest });
});
