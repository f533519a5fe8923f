import { createServer, type Server } from 'node:http';
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

/** Serves one /api/... request from the route handlers, as Next.js would route it (404 when none matches). */
export async function handleApiRequest(req: Request): Promise<Response> {
  const url = new URL(req.url);
  for (const [method, re, names, handler] of ROUTES) {
    const m = url.pathname.match(re);
    if (!m || method !== req.method) continue;
    const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
    return handler(req, { params: Promise.resolve(params) });
  }
  return new Response('not found', { status: 404 });
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
 * The upload API over real HTTP (node:http on 127.0.0.1:port), served in this process from the route
 * handlers: for clients in another process, such as the `segflow upload` CLI spawned by a test.
 */
export async function serveUploadApi(port: number): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = createServer(async (req, res) => {
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      const answer = await handleApiRequest(new Request(`http://127.0.0.1:${port}${req.url}`, { method: req.method, headers, body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body }));
      res.writeHead(answer.status, Object.fromEntries(answer.headers));
      res.end(Buffer.from(await answer.arrayBuffer()));
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
    }
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}`, server, close: () => new Promise<void>((r) => server.close(() => r())) };
}
