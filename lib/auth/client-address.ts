/**
 * The client's address for sign-in throttling: the first X-Forwarded-For hop (set by the ingress or
 * load balancer in front of the app; Next.js sets it from the socket when nothing is in front), else
 * X-Real-IP; null when neither is there (then only the per-account throttle applies).
 * Behind no proxy a client can send its own X-Forwarded-For: the per-account throttle still holds.
 */
export function clientAddress(headers: Record<string, unknown> | Headers | undefined): string | null {
  if (!headers) return null;
  const get = (n: string): string | undefined => {
    const v = headers instanceof Headers ? headers.get(n) : headers[n];
    return typeof v === 'string' ? v : Array.isArray(v) ? String(v[0]) : undefined;
  };
  const first = get('x-forwarded-for')?.split(',')[0]?.trim() || get('x-real-ip')?.trim();
  return first ? first.slice(0, 64) : null;
}
