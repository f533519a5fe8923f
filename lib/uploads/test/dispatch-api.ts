import * as createUploadRoute from '@/app/api/projects/[project]/uploads/route';
import * as studyRoute from '@/app/api/studies/[study]/route';
import * as abortRoute from '@/app/api/uploads/[upload]/files/[file]/abort/route';
import * as completeFileRoute from '@/app/api/uploads/[upload]/files/[file]/complete/route';
import * as partsRoute from '@/app/api/uploads/[upload]/files/[file]/parts/route';
import * as signRoute from '@/app/api/uploads/[upload]/files/[file]/sign/route';
import * as filesRoute from '@/app/api/uploads/[upload]/files/route';
import * as completeRoute from '@/app/api/uploads/[upload]/complete/route';
import * as uploadRoute from '@/app/api/uploads/[upload]/route';

type Handler = (req: Request, ctx?: { params?: Promise<Record<string, string>> }) => Promise<Response>;

/** The upload API's route table, as Next.js would route it; tests call the real handlers with it. */
const ROUTES: [string, RegExp, string[], Handler][] = [
  ['POST', /^\/api\/projects\/([^/]+)\/uploads$/, ['project'], createUploadRoute.POST],
  ['GET', /^\/api\/uploads\/([^/]+)$/, ['upload'], uploadRoute.GET],
  ['POST', /^\/api\/uploads\/([^/]+)\/files$/, ['upload'], filesRoute.POST],
  ['POST', /^\/api\/uploads\/([^/]+)\/files\/([^/]+)\/sign$/, ['upload', 'file'], signRoute.POST],
  ['GET', /^\/api\/uploads\/([^/]+)\/files\/([^/]+)\/parts$/, ['upload', 'file'], partsRoute.GET],
  ['POST', /^\/api\/uploads\/([^/]+)\/files\/([^/]+)\/complete$/, ['upload', 'file'], completeFileRoute.POST],
  ['POST', /^\/api\/uploads\/([^/]+)\/files\/([^/]+)\/abort$/, ['upload', 'file'], abortRoute.POST],
  ['POST', /^\/api\/uploads\/([^/]+)\/complete$/, ['upload'], completeRoute.POST],
  ['GET', /^\/api\/studies\/([^/]+)$/, ['study'], studyRoute.GET],
];

export const UPLOAD_ENDPOINTS = ROUTES.map(([method, re]) => ({ method, pattern: re.source }));

/** A fetch that serves /api/... from the route handlers in-process and passes anything else (S3) through. */
export function dispatchFetch(base = 'http://segflow.test'): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input instanceof Request ? input : new URL(String(input), base), init);
    const url = new URL(req.url);
    if (url.origin !== new URL(base).origin) return fetch(req);
    for (const [method, re, names, handler] of ROUTES) {
      const m = url.pathname.match(re);
      if (!m || method !== req.method) continue;
      const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
      return handler(req, { params: Promise.resolve(params) });
    }
    return new Response('not found', { status: 404 });
  }) as typeof fetch;
}
