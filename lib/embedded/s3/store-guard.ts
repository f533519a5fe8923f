import type { IncomingMessage } from 'node:http';
import {
  abortMultipartUpload,
  checkCompletion,
  checkPartNumber,
  listMultipartUploads,
  listParts,
  requireUpload,
  type UploadsLocator,
} from './multipart-extensions';
import { assembleUpload, storePart, type ObjectStoreLike, type PartChecksum } from './multipart-store';
import { ReceivedBody, checkBody, digestsFor, uncheckedChecksum } from './request-body';
import { ObjectVersions, type VersionedStoreLike } from './object-versions';
import { S3StoreError } from './s3-error';
import { versioningRoute } from './versioning-routes';
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
export interface S3rverStoreLike extends ObjectStoreLike, VersionedStoreLike {
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
 * checks bodies against their signed length and checksums before anything is stored, answers
 * the multipart operations s3rver lacks, and stores parts and assembles uploads itself
 * (`multipart-store.ts`: written once with the hashes already made here, atomically), and answers
 * the versioning operations (`versioning-routes.ts`: versions kept beside s3rver's objects). CORS
 * preflights pass untouched; refusals carry the bucket's CORS headers so a browser sees the S3 error
 * rather than a CORS failure.
 */
export function storeGuard(opts: StoreGuardOptions) {
  const loc: UploadsLocator = {
    uploadsDir: (bucket) => opts.store.getResourcePath(bucket, undefined, 'uploads'),
    bucketExists: async (bucket) => Boolean(await opts.store.getBucket(bucket)),
  };
  const versions = new ObjectVersions(opts.store);

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
    let uploadDir = '';
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
        if (method === 'PUT' || method === 'POST') uploadDir = (await requireUpload(loc, bucket, key, uploadId)).dir;
      }
      const partNumber = bucket && key && uploadId !== undefined && method === 'PUT' ? checkPartNumber(query) : undefined;

      const checksumSha256 = headers['x-amz-checksum-sha256'] ?? caseless(query, 'x-amz-checksum-sha256');
      const checksumCrc32 = headers['x-amz-checksum-crc32'] ?? caseless(query, 'x-amz-checksum-crc32');
      const checksum: PartChecksum | undefined =
        checksumSha256 !== undefined
          ? { algorithm: 'sha256', value: checksumSha256 }
          : checksumCrc32 !== undefined
            ? { algorithm: 'crc32', value: checksumCrc32 }
            : undefined;
      if (method === 'PUT' || method === 'POST') {
        const unchecked = uncheckedChecksum({ ...Object.fromEntries(Object.keys(query).map((k) => [k.toLowerCase(), String(query[k])])), ...headers });
        if (unchecked) throw new S3StoreError(501, 'NotImplemented', `x-amz-checksum-${unchecked} is not checked by the embedded store; use SHA256 or CRC32`);
        const payloadHash = auth.kind === 'v4' ? auth.payloadHash : headers['x-amz-content-sha256'];
        if (/^STREAMING-/.test(payloadHash ?? '') || /aws-chunked/i.test(headers['content-encoding'] ?? '')) {
          throw new S3StoreError(501, 'NotImplemented', 'aws-chunked (streaming) payloads are not supported by the embedded store; send a Content-Length body');
        }
        if (method === 'PUT' && headers['content-length'] === undefined) {
          throw new S3StoreError(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
        }
        body = await ReceivedBody.read(ctx.req, opts.spoolDir, digestsFor({ payloadHash, checksumSha256, checksumCrc32 }));
        checkBody(body, { contentLength: headers['content-length'], payloadHash, checksumSha256, checksumCrc32, contentMd5: headers['content-md5'] });
        if (partNumber !== undefined) {
          const etag = await storePart(uploadDir, uploadId!, partNumber, body, checksum);
          await corsHeaders(ctx, bucket);
          ctx.set('ETag', etag);
          if (checksum) ctx.set(`x-amz-checksum-${checksum.algorithm}`, checksum.value);
          ctx.status = 200;
          ctx.body = '';
          return;
        }
        if (method === 'POST' && bucket && key && uploadId !== undefined) {
          const checked = await checkCompletion(loc, bucket, key, uploadId, body.text());
          if (checked) {
            const location = `http://${ctx.get('host')}${url.split('?')[0]}`;
            let result = '';
            const assemble = async () => {
              result = await assembleUpload(opts.store, { bucket, key, uploadId, location, ...checked });
              return true;
            };
            const versioning = await versions.status(bucket);
            const versionId = versioning ? await versions.write(bucket, key, versioning, assemble) : await assemble();
            if (versioning === 'Enabled' && typeof versionId === 'string') ctx.set('x-amz-version-id', versionId);
            await corsHeaders(ctx, bucket);
            return xml(ctx, 200, result);
          }
        }
        // s3rver reads the body from ctx.req: give it the checked bytes
        ctx.req = Object.assign(body.stream(), { headers: ctx.req.headers, url: ctx.req.url, method: ctx.req.method }) as unknown as IncomingMessage;
      }

      const received = body;
      const answered = await versioningRoute(ctx, versions, {
        bucket,
        key,
        query,
        headers,
        bodyText: received ? () => received.text() : undefined,
        bucketExists: () => loc.bucketExists(bucket),
        next,
      });
      // answered here (e.g. a GET by versionId: the viewer's presigned links) needs the bucket's CORS headers as s3rver would add them
      if (answered) await corsHeaders(ctx, bucket);
      else await next();

      if (method === 'PUT' && ctx.status === 200 && checksum) ctx.set(`x-amz-checksum-${checksum.algorithm}`, checksum.value);
    } catch (err) {
      if (!(err instanceof S3StoreError)) throw err;
      await corsHeaders(ctx, bucket);
      xml(ctx, err.status, ctx.method === 'HEAD' ? null : err.toXml());
    } finally {
      await body?.dispose();
    }
  };
}
