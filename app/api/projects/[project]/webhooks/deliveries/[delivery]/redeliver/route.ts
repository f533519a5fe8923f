import { NextResponse } from 'next/server';
import { route } from '@/lib/auth/route';
import { redeliverWebhook } from '@/lib/webhooks/redeliver-webhook';
import { ZDeliveryRef } from '@/lib/webhooks/schemas';

/** Queues one of the project's webhook deliveries again (same body, signed afresh): 201 with the new delivery's id. */
export const POST = route(
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
    return NextResponse.json({ delivery: copy }, { status: 201 });
  },
);
