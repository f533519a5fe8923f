import { NextResponse } from 'next/server';
import { route } from '@/lib/auth/route';
import { PING_GUARD, pingGuarded } from '@/lib/webhooks/guarded-webhook-ops';

/** Sends the hook a test event (`ping`, signed like every delivery): 201 with the delivery, whose attempt the delivery log shows. */
export const POST = route(PING_GUARD, async (ctx) => NextResponse.json({ delivery: await pingGuarded(ctx) }, { status: 201 }));
