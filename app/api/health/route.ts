import { NextResponse } from 'next/server';
import { checkHealth } from '@/lib/platform/check-health';

// Public by design: load balancers and `npm start` poll it. It reveals component status, no data.
export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  const health = await checkHealth();
  return NextResponse.json(health, { status: health.ok ? 200 : 503 });
}
