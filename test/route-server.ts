import { createServer, type IncomingMessage, type Server } from 'node:http';
import { freePort } from './free-port';

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
export type RouteTable = [method: string, pattern: RegExp, paramNames: string[], handler: Handler][];

/** Serves one request from the route handlers, routed as Next.js would (404 when none matches). */
export async function routeRequest(routes: RouteTable, request: Request): Promise<Response> {
  const path = new URL(request.url).pathname;
  for (const [method, re, names, handler] of routes) {
    const m = path.match(re);
    if (!m || method !== request.method) continue;
    const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
    return handler(request, { params: Promise.resolve(params) });
  }
  return new Response('not found', { status: 404 });
}

async function toRequest(req: IncomingMessage, base: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
  const body = chunks.length && req.method !== 'GET' && req.method !== 'HEAD' ? Buffer.concat(chunks) : undefined;
  return new Request(new URL(req.url ?? '/', base), { method: req.method, headers, body });
}

/**
 * Serves real route handlers over HTTP on a free port, routed as Next.js would, so a CLI child
 * process can talk to them. Only for tests: the app itself is served by Next.js.
 */
export async function startRouteServer(routes: RouteTable): Promise<{ url: string; close: () => Promise<void> }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server: Server = createServer((req, res) => {
    void (async () => {
      try {
        const response = await routeRequest(routes, await toRequest(req, base));
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      } catch (err) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
      }
    })();
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { url: base, close: () => new Promise((r) => server.close(() => r())) };
}
