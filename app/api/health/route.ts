import { NextResponse } from 'next/server';
import { healthForCaller } from '@/lib/platform/health-for-caller';

// Public by design: load balancers and `npm start` poll it. Anonymous callers get the status only;
// signed-in callers also get each component's detail (lib/platform/health-for-caller.ts).
export const dynamic = 'force-dynamic';

export async function GET(req: Request): Promise<Response> {
  const health = await healthForCaller(req.headers);
  return NextResponse.json(health, { status: health.ok ? 200 : 503 });
}
