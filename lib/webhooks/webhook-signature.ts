import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signature header of every webhook request, as Stripe does it:
 *   Segflow-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 * The signed bytes are the decimal timestamp, a full stop, and the request body exactly as sent
 * (UTF-8). A receiver recomputes the HMAC over the raw body it got, compares in constant time, and
 * refuses a timestamp older than it tolerates (replay).
 */
export const SIGNATURE_HEADER = 'segflow-signature';

export function signWebhookBody(secret: string, timestampS: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestampS}.${body}`, 'utf8').digest('hex');
  return `t=${timestampS},v1=${mac}`;
}

/** What a receiver does: true when `header` signs `body` with `secret` within `toleranceS` of `nowS`. */
export function verifyWebhookSignature(p: { secret: string; header: string | null; body: string; nowS: number; toleranceS?: number }): boolean {
  const parts = Object.fromEntries((p.header ?? '').split(',').map((kv) => kv.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(p.nowS - t) > (p.toleranceS ?? 300)) return false;
  const want = Buffer.from(signWebhookBody(p.secret, t, p.body).split('v1=')[1], 'hex');
  const got = Buffer.from(parts.v1, 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}
