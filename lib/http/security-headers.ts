/**
 * The HTTP security headers of every response, declared once. Two parts:
 * - STATIC_SECURITY_HEADERS, the same on every response (next.config.ts `headers()`, API routes and
 *   static files included);
 * - contentSecurityPolicy(), per page request (proxy.ts), because it carries a fresh nonce: Next.js
 *   puts that nonce on its own inline scripts, so no 'unsafe-inline' for scripts is needed.
 */
export const STATIC_SECURITY_HEADERS: { key: string; value: string }[] = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
];

export const HSTS = { key: 'Strict-Transport-Security', value: 'max-age=31536000; includeSubDomains' };

/**
 * - scripts: 'self' plus the nonce, and 'strict-dynamic' so the chunks those scripts load (Cornerstone's
 *   codecs and loaders) run too; 'wasm-unsafe-eval' for the WebAssembly codecs (compiling wasm, not JS
 *   eval); 'unsafe-eval' only under `next dev` (React's dev tooling needs it);
 * - workers: 'self' and blob: (Cornerstone's decode workers, the upload hash workers);
 * - connect: 'self', the object store (uploads go straight to the bucket, the viewer reads presigned
 *   URLs), and blob:/data: (the NIfTI loader reads the blob: URL it made);
 * - styles: 'unsafe-inline', since React style attributes and Cornerstone's element styles cannot carry a
 *   nonce; images: 'self', data:, blob: (canvas snapshots);
 * - frame-ancestors 'none' (never framed), form-action and base-uri 'self', no plugins.
 */
export function contentSecurityPolicy(p: { nonce: string; storeOrigin: string | null; dev: boolean }): string {
  const store = p.storeOrigin ? ` ${p.storeOrigin}` : '';
  return [
    `default-src 'self'`,
    `script-src 'self' 'nonce-${p.nonce}' 'strict-dynamic' 'wasm-unsafe-eval'${p.dev ? " 'unsafe-eval'" : ''}`,
    `worker-src 'self' blob:`,
    `connect-src 'self'${store} blob: data:`,
    `style-src 'self' 'unsafe-inline'`,
    `img-src 'self' data: blob:`,
    `font-src 'self' data:`,
    `object-src 'none'`,
    `base-uri 'self'`,
    `form-action 'self'`,
    `frame-ancestors 'none'`,
  ].join('; ');
}

/** The origin browsers reach the bucket at: the configured endpoint, else AWS S3's regional hosts. */
export function storeOrigin(s3: { endpoint?: string; region: string } | null): string | null {
  if (!s3) return null;
  if (s3.endpoint) {
    try {
      return new URL(s3.endpoint).origin;
    } catch {
      return null;
    }
  }
  return `https://*.s3.${s3.region}.amazonaws.com https://s3.${s3.region}.amazonaws.com`;
}
