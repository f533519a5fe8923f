import { NextResponse, type NextRequest } from 'next/server';
import { config as segflowConfig, s3Settings } from '@/lib/config';
import { contentSecurityPolicy, HSTS, storeOrigin } from '@/lib/http/security-headers';

/**
 * Every page gets a Content-Security-Policy with a fresh nonce (Next.js applies it to its inline
 * scripts when it finds it in the request's CSP header), and HSTS when served over https. The headers
 * that never change are in next.config.ts.
 */
export function proxy(request: NextRequest): NextResponse {
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const csp = contentSecurityPolicy({ nonce, storeOrigin: storeOrigin(s3Settings() ?? null), dev: segflowConfig().dev });
  const headers = new Headers(request.headers);
  headers.set('x-nonce', nonce);
  headers.set('Content-Security-Policy', csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('Content-Security-Policy', csp);
  const https = (segflowConfig().auth.url ?? '').startsWith('https://') || request.headers.get('x-forwarded-proto') === 'https';
  if (https) response.headers.set(HSTS.key, HSTS.value);
  return response;
}

export const config = {
  // pages only: API routes and static files carry no HTML that a policy would govern
  matcher: [
    {
      source: '/((?!api|_next/static|_next/image|favicon.ico).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
