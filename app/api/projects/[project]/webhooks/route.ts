import { NextResponse } from 'next/server';
import { z } from 'zod';
import { route } from '@/lib/auth/route';
import { createWebhook, listWebhooks } from '@/lib/webhooks/manage-webhooks';
import { ZCreateWebhook } from '@/lib/webhooks/schemas';

/** The project's webhooks (admins): URL, events, created — never the secret. */
export const GET = route(
  { action: 'webhook.list', permission: 'project:manage', input: z.object({ project: z.string().min(1) }), project: (i) => i.project },
  async (ctx) => ({
    webhooks: await listWebhooks(ctx.tx, ctx.project!.id),
  }),
);

/** Adds a webhook: 201 with its secret, shown this once. A non-http(s) or private URL is refused (400, the reason). */
export const POST = route({ action: 'webhook.create', permission: 'project:manage', input: ZCreateWebhook, project: (i) => i.project }, async (ctx) => {
  const hook = await createWebhook(ctx.tx, { projectId: ctx.project!.id, url: ctx.input.url, events: ctx.input.events, createdBy: ctx.actor.userId });
  Object.assign(ctx.auditDetails, { webhook: hook.id, url: hook.url, events: hook.events });
  return NextResponse.json({ webhook: hook }, { status: 201 });
});
