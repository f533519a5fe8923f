import { NextResponse } from 'next/server';
import { z } from 'zod';
import { route } from '@/lib/auth/route';
import { CREATE_WEBHOOK_GUARD, createWebhookGuarded } from '@/lib/webhooks/guarded-webhook-ops';
import { listWebhooks } from '@/lib/webhooks/manage-webhooks';

/** The project's webhooks (admins): URL, events, created — never the secret. */
export const GET = route(
  { action: 'webhook.list', permission: 'project:manage', input: z.object({ project: z.string().min(1) }), project: (i) => i.project },
  async (ctx) => ({
    webhooks: await listWebhooks(ctx.tx, ctx.project!.id),
  }),
);

/** Adds a webhook: 201 with its secret, shown this once. A non-http(s) or private URL is refused (400, the reason). */
export const POST = route(CREATE_WEBHOOK_GUARD, async (ctx) => NextResponse.json({ webhook: await createWebhookGuarded(ctx) }, { status: 201 }));
