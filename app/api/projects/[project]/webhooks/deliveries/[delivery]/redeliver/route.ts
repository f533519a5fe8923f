import { NextResponse } from 'next/server';
import { route } from '@/lib/auth/route';
import { REDELIVER_GUARD, redeliverGuarded } from '@/lib/webhooks/guarded-webhook-ops';

/** Queues one of the project's webhook deliveries again (same body, signed afresh): 201 with the new delivery's id. */
export const POST = route(REDELIVER_GUARD, async (ctx) => NextResponse.json({ delivery: await redeliverGuarded(ctx) }, { status: 201 }));
