import * as stageRoute from '@/app/api/models/[model]/versions/route';
import * as completeRoute from '@/app/api/models/[model]/versions/[version]/complete/route';
import * as versionRoute from '@/app/api/models/[model]/versions/[version]/route';
import { routeRequest, startRouteServer, type RouteTable } from '@/test/route-server';

/** The registration API's route table, as Next.js routes it: tests call the real handlers with it. */
export const REGISTRATION_ROUTES: RouteTable = [
  ['POST', /^\/api\/models\/([^/]+)\/versions$/, ['model'], stageRoute.POST],
  ['POST', /^\/api\/models\/([^/]+)\/versions\/([^/]+)\/complete$/, ['model', 'version'], completeRoute.POST],
  ['GET', /^\/api\/models\/([^/]+)\/versions\/([^/]+)$/, ['model', 'version'], versionRoute.GET],
];

/** A fetch that serves /api/... from the route handlers in-process and passes anything else (the store) through. */
export function dispatchRegistrationFetch(base = 'http://segflow.test'): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input instanceof Request ? input : new URL(String(input), base), init);
    if (new URL(req.url).origin !== new URL(base).origin) return fetch(req);
    return routeRequest(REGISTRATION_ROUTES, req);
  }) as typeof fetch;
}

/** The registration API over HTTP on a free port, for a CLI child process. */
export const serveRegistrationApi = () => startRouteServer(REGISTRATION_ROUTES);
