import { route } from '@/lib/auth/route';
import { deleteWebhook } from '@/lib/webhooks/manage-webhooks';
import { ZWebhookRef } from '@/lib/webhooks/schemas';

/** Removes one of the project's webhooks and its delivery log. */
export const DELETE = route(
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
