import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type RequestListener } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { freePort } from './free-port';
import { closeObjects, K8S_VOCABULARY } from './argo-schema-utils';

/**
 * A mock Argo Server driven by Argo's OpenAPI spec (fixtures/argo/api/openapi-spec/swagger.json,
 * argoproj/argo-workflows@f016ad89): each request is routed to the spec's operation for its method and
 * path, its body is validated against the operation's body schema, and every answer is validated
 * against the operation's response schema before it is sent. The spec's object schemas allow any extra
 * field; Argo Server's JSON decoding does not, so they are closed here (a misspelt field fails).
 */
interface SwaggerOp {
  operationId: string;
  parameters?: { in: string; name: string; schema?: { $ref: string } }[];
  responses: Record<string, { description?: string; schema?: { $ref?: string; properties?: Record<string, unknown> } }>;
}
const spec = JSON.parse(readFileSync(join(process.cwd(), 'fixtures', 'argo', 'api', 'openapi-spec', 'swagger.json'), 'utf8')) as {
  paths: Record<string, Record<string, SwaggerOp>>;
  definitions: Record<string, unknown>;
};

const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
addFormats(ajv);
ajv.addFormat('uint64', /^\d+$/);
ajv.addVocabulary(K8S_VOCABULARY);
const definitions = structuredClone(spec.definitions);
closeObjects(definitions);
ajv.addSchema({ $id: 'argo-openapi', definitions });

/** errors of a value against a `#/definitions/…` $ref of the spec */
export function validateArgoRef(ref: string, value: unknown): string[] {
  const v = ajv.getSchema(`argo-openapi${ref}`);
  if (!v) throw new Error(`no schema ${ref}`);
  return v(value) ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message} ${JSON.stringify(e.params)}`);
}

/** the spec's operation for a request: the matching path template with the most literal segments */
function operationFor(method: string, path: string): { template: string; op: SwaggerOp; params: Record<string, string> } | null {
  const segs = path.split('/');
  let best: { template: string; op: SwaggerOp; params: Record<string, string>; literal: number } | null = null;
  for (const [template, ops] of Object.entries(spec.paths)) {
    const op = ops[method.toLowerCase()];
    const t = template.split('/');
    if (!op || t.length !== segs.length) continue;
    const params: Record<string, string> = {};
    let literal = 0;
    let ok = true;
    t.forEach((s, i) => {
      const m = /^\{(.+)\}$/.exec(s);
      if (m) params[m[1]] = decodeURIComponent(segs[i]);
      else if (s === segs[i]) literal++;
      else ok = false;
    });
    if (ok && (!best || literal > best.literal)) best = { template, op, params, literal };
  }
  return best;
}

/** an answer: a JSON body, or (for the spec's "streaming responses") the stream's messages, sent one JSON object a line */
export type ArgoAnswer = { status: number; body: unknown } | { status: 200; stream: unknown[] };
export type ArgoHandler = (req: { params: Record<string, string>; query: URLSearchParams; body: unknown }) => ArgoAnswer | Promise<ArgoAnswer>;

/** errors of one message of a streaming operation against its inline `Stream result of …` schema (closed, as every object here) */
function validateStreamMessage(op: SwaggerOp, value: unknown): string[] {
  const inline = op.responses['200'].schema;
  if (!inline?.properties) return [`${op.operationId} does not stream`];
  const id = `argo-stream-${op.operationId}`;
  if (!ajv.getSchema(id)) {
    const schema = JSON.parse(JSON.stringify(inline).replaceAll('"#/definitions/', '"argo-openapi#/definitions/')) as Record<string, unknown>;
    ajv.addSchema({ ...schema, additionalProperties: false }, id);
  }
  const v = ajv.getSchema(id)!;
  return v(value) ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message} ${JSON.stringify(e.params)}`);
}

/**
 * What Argo Server's `fields` query parameter does to an answer (server/workflow/workflow_server.go,
 * util/fields): keeps only the listed dotted paths (and everything below them).
 */
export function applyFields(value: unknown, fields: string | null): unknown {
  if (!fields) return value;
  const paths = fields.split(',').map((f) => f.trim().split('.'));
  const pick = (v: unknown, rest: string[][]): unknown => {
    if (rest.some((p) => p.length === 0)) return v;
    if (Array.isArray(v)) return v.map((x) => pick(x, rest));
    if (typeof v !== 'object' || v === null) return undefined;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const below = rest.filter((p) => p[0] === k).map((p) => p.slice(1));
      if (below.length) {
        const picked = pick(x, below);
        if (picked !== undefined) out[k] = picked;
      }
    }
    return out;
  };
  return pick(value, paths);
}

export const ARGO_TEST_TOKEN = 'test-token';

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

export interface MockArgoServer {
  base: string;
  /** every request, with its operation and the errors of its body against the spec */
  requests: { method: string; path: string; query: Record<string, string>; operationId: string; auth?: string; body: unknown; bodyErrors: string[] }[];
  /** answers that did not match the spec's response schema (a test should expect none) */
  responseErrors: string[];
  /** operationId → handler; an operation without one answers 501 */
  handlers: Record<string, ArgoHandler>;
  reset(): void;
  close(): Promise<void>;
}

/** Starts the spec-driven mock Argo Server on a free port (bearer token ARGO_TEST_TOKEN); HTTPS with `tls`. */
export async function startMockArgoServer(opts: { tls?: { key: string; cert: string } } = {}): Promise<MockArgoServer> {
  const TOKEN = ARGO_TEST_TOKEN;
  const requests: MockArgoServer['requests'] = [];
  const responseErrors: string[] = [];
  const mock: MockArgoServer = {
    base: '',
    requests,
    responseErrors,
    handlers: {},
    reset() {
      requests.length = 0;
      responseErrors.length = 0;
      mock.handlers = {};
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  const listener: RequestListener = async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const text = await readBody(req);
    const send = (status: number, body: unknown, schemaRef?: string) => {
      if (schemaRef) responseErrors.push(...validateArgoRef(schemaRef, body).map((e) => `${req.method} ${url.pathname} → ${status}: ${e}`));
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const found = operationFor(req.method ?? 'GET', url.pathname);
    if (!found) return send(404, { code: 5, message: `Not Found: ${url.pathname}` });
    const { op, params } = found;
    const errorRef = op.responses.default.schema!.$ref;
    const bodyParam = op.parameters?.find((p) => p.in === 'body');
    let body: unknown;
    let bodyErrors: string[] = [];
    if (bodyParam) {
      try {
        body = JSON.parse(text);
        bodyErrors = validateArgoRef(bodyParam.schema!.$ref, body);
      } catch {
        bodyErrors = ['body is not JSON'];
      }
    }
    // a query parameter the operation does not declare is one Argo Server would ignore: a client bug
    const declared = new Set((op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name));
    for (const k of url.searchParams.keys()) if (!declared.has(k)) bodyErrors.push(`query parameter ${k} is not one of ${op.operationId}'s`);
    requests.push({
      method: req.method!,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      operationId: op.operationId,
      auth: req.headers.authorization,
      body,
      bodyErrors,
    });
    if (req.headers.authorization !== `Bearer ${TOKEN}`)
      return send(401, { code: 16, message: 'token not valid. see https://argo-workflows.readthedocs.io/en/latest/faq/' }, errorRef);
    if (req.headers['content-type'] !== undefined && req.headers['content-type'] !== 'application/json')
      return send(400, { code: 3, message: 'content type' }, errorRef);
    if (bodyErrors.length) return send(400, { code: 3, message: bodyErrors.join('; ') }, errorRef);
    const handler = mock.handlers[op.operationId];
    if (!handler) return send(501, { code: 12, message: `${op.operationId} not mocked` }, errorRef);
    const out = await handler({ params, query: url.searchParams, body });
    if ('stream' in out) {
      // grpc-gateway's streaming answer: each message `{ result }` or `{ error }` on a line of its own
      for (const m of out.stream) responseErrors.push(...validateStreamMessage(op, m).map((e) => `${req.method} ${url.pathname} → stream: ${e}`));
      res.writeHead(200, { 'content-type': 'application/json' }).end(out.stream.map((m) => `${JSON.stringify(m)}\n`).join(''));
      return;
    }
    send(out.status, out.body, out.status === 200 ? op.responses['200'].schema!.$ref : errorRef);
  };
  const server = opts.tls ? createTlsServer(opts.tls, listener) : createServer(listener);
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  mock.base = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  return mock;
}
