import { NextResponse, type NextRequest } from 'next/server';
import { config as segflowConfig, s3Settings } from '@/lib/config';
import { PATH_HEADER } from '@/lib/auth/return-path';
import { DICOMWEB_PATH_PREFIX, dicomwebCorsHeaders } from '@/lib/dicomweb/cors';
import { contentSecurityPolicy, HSTS, storeOrigin } from '@/lib/http/security-headers';

/**
 * Every page gets a Content-Security-Policy with a fresh nonce (Next.js applies it to its inline
 * scripts when it finds it in the request's CSP header), and HSTS when served over https. The headers
 * that never change are in next.config.ts. /dicomweb answers CORS preflights and carries CORS headers
 * for the origins configured (lib/dicomweb/cors.ts).
 */
export function proxy(request: NextRequest): NextResponse {
  if (request.nextUrl.pathname.startsWith(DICOMWEB_PATH_PREFIX)) return dicomweb(request);
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const csp = contentSecurityPolicy({ nonce, storeOrigin: storeOrigin(s3Settings() ?? null), dev: segflowConfig().dev });
  const headers = new Headers(request.headers);
  headers.set('x-nonce', nonce);
  // the page's own path, for a sign-in redirect that comes back here (lib/auth/return-path.ts)
  headers.set(PATH_HEADER, request.nextUrl.pathname + request.nextUrl.search);
  headers.set('Content-Security-Policy', csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('Content-Security-Policy', csp);
  const https = (segflowConfig().auth.url ?? '').startsWith('https://') || request.headers.get('x-forwarded-proto') === 'https';
  if (https) response.headers.set(HSTS.key, HSTS.value);
  return response;
}

function dicomweb(request: NextRequest): NextResponse {
  const preflight = request.method === 'OPTIONS';
  const cors = dicomwebCorsHeaders(request.headers.get('origin'), segflowConfig().dicomweb.corsOrigins, preflight);
  const response = preflight ? new NextResponse(null, { status: 204 }) : NextResponse.next();
  for (const [k, v] of Object.entries(cors)) response.headers.set(k, v);
  response.headers.append('Vary', 'Origin');
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
