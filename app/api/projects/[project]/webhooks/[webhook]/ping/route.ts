import { NextResponse } from 'next/server';
import { route } from '@/lib/auth/route';
import { pingWebhook } from '@/lib/webhooks/ping-webhook';
import { ZWebhookRef } from '@/lib/webhooks/schemas';

/** Sends the hook a test event (`ping`, signed like every delivery): 201 with the delivery, whose attempts the delivery log shows. */
export const POST = route(
  {
    action: 'webhook.ping',
    permission: 'project:manage',
    input: ZWebhookRef,
    project: (i) => i.project,
    target: (i) => ({ type: 'webhook', id: i.webhook }),
  },
  async (ctx) => {
    const delivery = await pingWebhook(ctx.tx, { projectId: ctx.project!.id, webhookId: ctx.input.webhook, actorEmail: ctx.actor.email });
    Object.assign(ctx.auditDetails, { delivery: delivery.id });
    return NextResponse.json({ delivery }, { status: 201 });
  },
);
