import { NextResponse } from 'next/server';
import { isAppError } from '../errors';
import { GUARD_META, runGuarded, type GuardContext, type GuardMeta, type GuardSpec } from './guard';
import { logger } from '../log/logger';
import type { Permission } from './permissions';

const log = logger('http');

type RouteContext = { params?: Promise<Record<string, string | string[]>> };
export type RouteHandler = ((req: Request, ctx?: RouteContext) => Promise<Response>) & { [GUARD_META]: GuardMeta };

/** Turns any thrown error into a JSON error response; infrastructure errors are logged, never shown. */
export function errorResponse(err: unknown): Response {
  if (isAppError(err)) {
    return NextResponse.json({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } }, { status: err.status });
  }
  log.error({ err }, 'unhandled error in a route handler');
  return NextResponse.json({ error: { code: 'internal', message: 'internal error' } }, { status: 500 });
}

async function readInput(req: Request, ctx?: RouteContext): Promise<Record<string, unknown>> {
  const params = (await ctx?.params) ?? {};
  const query = Object.fromEntries(new URL(req.url).searchParams);
  let body: Record<string, unknown> = {};
  // a binary body (DICOMweb STOW-RS: multipart/related of DICOM) is the handler's to read, not JSON input
  const binary = /^(multipart\/related|application\/dicom)/i.test(req.headers.get('content-type') ?? '');
  if (req.method !== 'GET' && req.method !== 'HEAD' && !binary) {
    const text = await req.text();
    if (text) {
      try {
        const parsed: unknown = JSON.parse(text);
        body = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { body: parsed };
      } catch {
        body = { __invalidJson: true };
      }
    }
  }
  return { ...query, ...body, ...params };
}

/** Wraps a route handler in the guard. The handler returns JSON-able data or a Response. */
export function route<I, P extends Permission, X = undefined>(
  spec: GuardSpec<I, P, X>,
  handler: (ctx: GuardContext<I, P, X>, req: Request) => Promise<unknown>,
): RouteHandler {
  const fn = async (req: Request, ctx?: RouteContext) => {
    try {
      const input = await readInput(req, ctx);
      const out = await runGuarded(spec, req.headers, input, (g) => handler(g, req));
      return out instanceof Response ? out : NextResponse.json(out ?? null);
    } catch (err) {
      return errorResponse(err);
    }
  };
  return Object.assign(fn, { [GUARD_META]: { kind: 'route', action: spec.action, permission: spec.permission } as GuardMeta });
}
