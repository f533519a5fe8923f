import { resolveActor } from '../auth/actor';
import { getDb } from '../db';
import { checkHealth, type Health } from './check-health';

/**
 * /api/health for whoever asks: load balancers and anonymous callers get the status only; signed-in
 * callers (session or API token) also get each component's detail — queue depth, bucket, executor
 * process — which an anonymous caller has no business reading. A caller who cannot be resolved
 * (no database) is anonymous.
 */
export async function healthForCaller(headers: Headers): Promise<Health | { ok: boolean }> {
  const [health, actor] = await Promise.all([checkHealth(), resolveActor(getDb(), headers).catch(() => null)]);
  return actor ? health : { ok: health.ok };
}
