import * as createUploadRoute from '@/app/api/projects/[project]/uploads/route';
import * as studyRoute from '@/app/api/studies/[study]/route';
import * as abortRoute from '@/app/api/uploads/[upload]/files/[file]/abort/route';
import * as completeFileRoute from '@/app/api/uploads/[upload]/files/[file]/complete/route';
import * as partsRoute from '@/app/api/uploads/[upload]/files/[file]/parts/route';
import * as signRoute from '@/app/api/uploads/[upload]/files/[file]/sign/route';
import * as filesRoute from '@/app/api/uploads/[upload]/files/route';
import * as batchCompleteRoute from '@/app/api/uploads/[upload]/files/batch/complete/route';
import * as batchRoute from '@/app/api/uploads/[upload]/files/batch/route';
import * as completeRoute from '@/app/api/uploads/[upload]/complete/route';
import * as uploadRoute from '@/app/api/uploads/[upload]/route';
import { routeRequest, startRouteServer, type RouteTable } from '@/test/route-server';

/** The upload API's route table, as Next.js would route it; tests call the real handlers with it. */
const ROUTES: RouteTable = [
  ['POST', /^\/api\/projects\/([^/]+)\/uploads$/, ['project'], createUploadRoute.POST],
  ['GET', /^\/api\/uploads\/([^/]+)$/, ['upload'], uploadRoute.GET],
  ['POST', /^\/api\/uploads\/([^/]+)\/files$/, ['upload'], filesRoute.POST],
  // before …/files/[file]/…: a static segment wins over a dynamic one, as in Next.js
  ['POST', /^\/api\/uploads\/([^/]+)\/files\/batch$/, ['upload'], batchRoute.POST],
  ['POST', /^\/api\/uploads\/([^/]+)\/files\/batch\/complete$/, ['upload'], batchCompleteRoute.POST],
  ['POST', /^\/api\/uploads\/([^/]+)\/files\/([^/]+)\/sign$/, ['upload', 'file'], signRoute.POST],
  ['GET', /^\/api\/uploads\/([^/]+)\/files\/([^/]+)\/parts$/, ['upload', 'file'], partsRoute.GET],
  ['POST', /^\/api\/uploads\/([^/]+)\/files\/([^/]+)\/complete$/, ['upload', 'file'], completeFileRoute.POST],
  ['POST', /^\/api\/uploads\/([^/]+)\/files\/([^/]+)\/abort$/, ['upload', 'file'], abortRoute.POST],
  ['POST', /^\/api\/uploads\/([^/]+)\/complete$/, ['upload'], completeRoute.POST],
  ['GET', /^\/api\/studies\/([^/]+)$/, ['study'], studyRoute.GET],
];

export const UPLOAD_ENDPOINTS = ROUTES.map(([method, re]) => ({ method, pattern: re.source }));

/** Serves one /api/... request from the route handlers, as Next.js would route it (404 when none matches). */
export function handleApiRequest(req: Request): Promise<Response> {
  return routeRequest(ROUTES, req);
}

/** A fetch that serves /api/... from the route handlers in-process and passes anything else (S3) through. */
export function dispatchFetch(base = 'http://segflow.test'): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input instanceof Request ? input : new URL(String(input), base), init);
    if (new URL(req.url).origin !== new URL(base).origin) return fetch(req);
    return handleApiRequest(req);
  }) as typeof fetch;
}

/**
 * The upload API over real HTTP on a free port, served in this process from the route handlers: for
 * clients in another process, such as the `segflow upload` CLI spawned by a test.
 */
export function serveUploadApi(): ReturnType<typeof startRouteServer> {
  return startRouteServer(ROUTES);
}
