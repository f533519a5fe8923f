import type { IncomingMessage } from 'node:http';
import {
  abortMultipartUpload,
  afterPartStored,
  checkCompletion,
  checkPartNumber,
  listMultipartUploads,
  listParts,
  requireUpload,
  type UploadsLocator,
} from './multipart-extensions';
import { ReceivedBody, checkBody } from './request-body';
import { S3StoreError } from './s3-error';
import { headerMap, parseQuery, verifySigV4 } from './verify-sigv4';

/** The parts of a Koa context this middleware uses (s3rver is a Koa app; koa has no types here). */
export interface KoaContext {
  method: string;
  req: IncomingMessage;
  status: number;
  body: unknown;
  type: string;
  get(name: string): string;
  set(name: string, value: string): void;
}

interface CorsRule {
  hasWildcardOrigin: boolean;
  exposeHeaders: string[];
}
export interface S3rverStoreLike {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  getBucket(bucket: string): Promise<unknown>;
  getSubresource(bucket: string, key: undefined, type: 'cors'): Promise<{ matchRule(origin: string, method: string): CorsRule | undefined } | null>;
}

export interface StoreGuardOptions {
  /** access key id → secret access key */
  secrets: ReadonlyMap<string, string>;
  store: S3rverStoreLike;
  /** where bodies too large for memory are spooled while they are checked */
  spoolDir: string;
  /** let unsigned requests through (a private S3 bucket refuses them: 403) */
  allowAnonymous?: boolean;
}

function route(url: string): { bucket: string; key: string } {
  const path = url.split('?')[0];
  const [, bucket = '', ...rest] = path.split('/');
  const dec = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new S3StoreError(400, 'InvalidURI', "Couldn't parse the specified URI.");
    }
  };
  return { bucket: dec(bucket), key: rest.map(dec).join('/') };
}

function caseless(obj: Record<string, string | string[]>, name: string): string | undefined {
  for (const [k, v] of Object.entries(obj)) if (k.toLowerCase() === name) return Array.isArray(v) ? v[0] : v;
  return undefined;
}

/**
 * Koa middleware put in front of s3rver's routes: verifies SigV4 (presigned and header-signed),
 * checks bodies against their signed length and checksums before anything is stored, and answers
 * the multipart operations s3rver lacks. CORS preflights pass untouched; refusals carry the bucket's
 * CORS headers so a browser sees the S3 error rather than a CORS failure.
 */
export function storeGuard(opts: StoreGuardOptions) {
  const loc: UploadsLocator = {
    uploadsDir: (bucket) => opts.store.getResourcePath(bucket, undefined, 'uploads'),
    bucketExists: async (bucket) => Boolean(await opts.store.getBucket(bucket)),
  };

  async function corsHeaders(ctx: KoaContext, bucket: string): Promise<void> {
    const origin = ctx.get('origin');
    if (!origin || !bucket) return;
    const config = await opts.store.getSubresource(bucket, undefined, 'cors').catch(() => null);
    const rule = config?.matchRule(origin, ctx.method);
    if (!rule) return;
    ctx.set('Access-Control-Allow-Origin', rule.hasWildcardOrigin ? '*' : origin);
    if (rule.exposeHeaders.length) ctx.set('Access-Control-Expose-Headers', rule.exposeHeaders.join(', '));
    ctx.set('Vary', 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method');
  }

  function xml(ctx: KoaContext, status: number, body: string | null): void {
    ctx.status = status;
    if (body !== null) {
      ctx.type = 'application/xml';
      ctx.body = body;
    }
  }

  return async function storeGuardMiddleware(ctx: KoaContext, next: () => Promise<void>): Promise<void> {
    if (ctx.method === 'OPTIONS') return next();
    const url = ctx.req.url ?? '/';
    let bucket = '';
    let body: ReceivedBody | undefined;
    try {
      ({ bucket } = route(url));
      const { key } = route(url);
      const auth = await verifySigV4({ method: ctx.method, url, rawHeaders: ctx.req.rawHeaders }, opts.secrets);
      if (auth.kind === 'anonymous' && !opts.allowAnonymous) throw new S3StoreError(403, 'AccessDenied', 'Access Denied');
      const query = auth.kind === 'v4' ? auth.query : parseQuery(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
      const headers = auth.kind === 'v4' ? auth.headers : headerMap(ctx.req.rawHeaders);
      const method = ctx.method;
      const uploadId = typeof query.uploadId === 'string' ? query.uploadId : undefined;

      // multipart operations s3rver does not have
      if (bucket && !key && method === 'GET' && 'uploads' in query) {
        return xml(ctx, 200, await listMultipartUploads(loc, bucket, query));
      }
      if (bucket && key && uploadId !== undefined) {
        if (method === 'GET') return xml(ctx, 200, await listParts(loc, bucket, key, query));
        if (method === 'DELETE') {
          await abortMultipartUpload(loc, bucket, key, uploadId);
          return xml(ctx, 204, null);
        }
        if (method === 'PUT' || method === 'POST') await requireUpload(loc, bucket, key, uploadId);
      }
      const partNumber = bucket && key && uploadId !== undefined && method === 'PUT' ? checkPartNumber(query) : undefined;

      const checksumSha256 = headers['x-amz-checksum-sha256'] ?? caseless(query, 'x-amz-checksum-sha256');
      if (method === 'PUT' || method === 'POST') {
        const payloadHash = auth.kind === 'v4' ? auth.payloadHash : headers['x-amz-content-sha256'];
        if (/^STREAMING-/.test(payloadHash ?? '') || /aws-chunked/i.test(headers['content-encoding'] ?? '')) {
          throw new S3StoreError(501, 'NotImplemented', 'aws-chunked (streaming) payloads are not supported by the embedded store; send a Content-Length body');
        }
        if (method === 'PUT' && headers['content-length'] === undefined) {
          throw new S3StoreError(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
        }
        body = await ReceivedBody.read(ctx.req, opts.spoolDir);
        checkBody(body, { contentLength: headers['content-length'], payloadHash, checksumSha256, contentMd5: headers['content-md5'] });
        if (method === 'POST' && bucket && key && uploadId !== undefined) await checkCompletion(loc, bucket, key, uploadId, body.text());
        // s3rver reads the body from ctx.req: give it the checked bytes
        ctx.req = Object.assign(body.stream(), { headers: ctx.req.headers, url: ctx.req.url, method: ctx.req.method }) as unknown as IncomingMessage;
      }

      await next();

      if (method === 'PUT' && ctx.status === 200) {
        if (partNumber !== undefined) await afterPartStored(loc, bucket, key, uploadId!, partNumber, checksumSha256);
        if (checksumSha256) ctx.set('x-amz-checksum-sha256', checksumSha256);
      }
    } catch (err) {
      if (!(err instanceof S3StoreError)) throw err;
      await corsHeaders(ctx, bucket);
      xml(ctx, err.status, ctx.method === 'HEAD' ? null : err.toXml());
    } finally {
      await body?.dispose();
    }
  };
}
