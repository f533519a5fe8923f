/**
 * HTTP to the Argo Server REST API (fixtures/argo/api/openapi-spec/swagger.json): bearer token auth
 * (a static token, or a projected service-account token file re-read when the kubelet rotates it),
 * HTTPS with an optional CA bundle (Argo Server's own certificate is self-signed unless you give it
 * one; NODE_EXTRA_CA_CERTS works as well), JSON in and out, and errors that name the request, the
 * HTTP status and Argo's own message. node:https rather than fetch: fetch takes no CA per request.
 */
import { readFileSync, statSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import { z } from 'zod';

export interface ArgoConnection {
  /** the Argo Server's URL (`https://argo.example:2746`); a bare `host:port` means https */
  server: string;
  /** a bearer token (with or without `Bearer `), or the file that holds one (read again when it changes) */
  token: string | { file: string };
  namespace: string;
  /** PEM CA bundle the server's certificate must chain to (in addition to Node's own and NODE_EXTRA_CA_CERTS) */
  ca?: string;
  /** default 30 s */
  timeoutMs?: number;
}

export class ArgoError extends Error {
  constructor(
    message: string,
    /** the HTTP status; 0 when no answer came (unreachable, timed out) or it was unreadable */
    readonly status: number,
    /** Argo's own message (grpc-gateway error body), when it sent one */
    readonly argoMessage?: string,
    /** for status 0: whether the request may have reached the server (a timeout after sending) */
    readonly maybeDone = false,
  ) {
    super(message);
    this.name = 'ArgoError';
  }
}

const ZArgoErrorBody = z.object({ code: z.number().optional(), message: z.string().optional(), error: z.string().optional() });

export function baseUrl(server: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `https://${server}`;
  const url = new URL(withScheme);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ArgoError(`Argo Server URL ${server}: expected http(s)`, 0);
  return url.toString().replace(/\/+$/, '');
}

const tokenCache = new Map<string, { mtimeMs: number; size: number; token: string }>();

/** The bearer token: a projected token file is read again whenever its modification time or size changes. */
export function bearerToken(token: ArgoConnection['token']): string {
  let value: string;
  if (typeof token === 'string') value = token;
  else {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(token.file);
    } catch {
      throw new ArgoError(`ARGO_TOKEN_FILE ${token.file}: no such file (is the projected service-account token mounted?)`, 0);
    }
    const cached = tokenCache.get(token.file);
    if (cached && cached.mtimeMs === st.mtimeMs && cached.size === st.size) value = cached.token;
    else {
      value = readFileSync(token.file, 'utf8').trim();
      tokenCache.set(token.file, { mtimeMs: st.mtimeMs, size: st.size, token: value });
    }
  }
  value = value.replace(/^bearer\s+/i, '').trim();
  if (!value) throw new ArgoError(`Argo Server token${typeof token === 'string' ? '' : ` in ${token.file}`} is empty`, 0);
  return `Bearer ${value}`;
}

const agents = new Map<string, Agent>();
function agentFor(ca: string | undefined): Agent | undefined {
  if (!ca) return undefined;
  let a = agents.get(ca);
  if (!a) {
    a = new Agent({ ca, keepAlive: true });
    agents.set(ca, a);
  }
  return a;
}

/** One request to the Argo Server; answers the parsed JSON body of a 2xx, else throws an ArgoError. */
export async function argoRequest(c: ArgoConnection, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<unknown> {
  const { status, text, what } = await argoExchange(c, method, path, body);
  try {
    return JSON.parse(text);
  } catch {
    throw new ArgoError(`${what}: HTTP ${status} but the body is not JSON: ${text.slice(0, 200)}`, status);
  }
}

/**
 * One request whose 2xx answer is a grpc-gateway stream (the spec's "streaming responses"): one JSON
 * object per line, each `{ result }` or `{ error }`. Answers the lines' objects; errors as argoRequest.
 */
export async function argoStreamRequest(c: ArgoConnection, path: string): Promise<{ what: string; messages: unknown[] }> {
  const { status, text, what } = await argoExchange(c, 'GET', path);
  const messages = text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      try {
        return JSON.parse(l) as unknown;
      } catch {
        throw new ArgoError(`${what}: HTTP ${status} but a line of the stream is not JSON: ${l.slice(0, 200)}`, status);
      }
    });
  return { what, messages };
}

async function argoExchange(
  c: ArgoConnection,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: unknown,
): Promise<{ status: number; text: string; what: string }> {
  const base = baseUrl(c.server);
  const url = new URL(`${base}${path}`);
  const what = `Argo Server ${method} ${url.pathname}`;
  const authorization = bearerToken(c.token);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const { status, statusText, text } = await new Promise<{ status: number; statusText: string; text: string }>((resolve, reject) => {
    let sent = false;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        method,
        headers: { accept: 'application/json', authorization, ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) },
        ...(url.protocol === 'https:' ? { agent: agentFor(c.ca) } : {}),
        timeout: c.timeoutMs ?? 30_000,
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (err) => reject(new ArgoError(`${what}: the answer broke off: ${err.message}`, 0, undefined, true)));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${(c.timeoutMs ?? 30_000) / 1000} s`)));
    req.on('finish', () => (sent = true));
    req.on('error', (err) => reject(new ArgoError(`${what}: could not reach ${base}: ${err.message}`, 0, undefined, sent)));
    req.end(payload);
  });
  if (status < 200 || status >= 300) {
    let argoMessage: string | undefined;
    try {
      const parsed = ZArgoErrorBody.safeParse(JSON.parse(text));
      if (parsed.success) argoMessage = parsed.data.message || parsed.data.error;
    } catch {
      // not JSON: a proxy's page, say
    }
    const detail = argoMessage ?? (text.trim().slice(0, 300) || '(empty body)');
    const hint =
      status === 401
        ? ' (is the token — ARGO_TOKEN or ARGO_TOKEN_FILE — valid and not expired?)'
        : status === 403
          ? ' (the token may not do this in this namespace)'
          : '';
    throw new ArgoError(`${what}: HTTP ${status} ${statusText}: ${detail}${hint}`, status, argoMessage);
  }
  return { status, text, what };
}
