import { createReadStream } from 'node:fs';
import { NULL_VERSION, noSuchVersion, type ObjectVersions, type VersionEntry, type VersioningStatus } from './object-versions';
import { S3StoreError, escapeXml } from './s3-error';

/**
 * The S3 versioning operations of the embedded store, answered from `ObjectVersions`:
 * PutBucketVersioning / GetBucketVersioning, ListObjectVersions, GetObject / HeadObject by versionId,
 * DeleteObject (delete markers, or one version for good) and DeleteObjects, and the version id of
 * every write (`x-amz-version-id`). The guard calls `versioningRoute` after it has verified the
 * request and read its body; anything it does not answer goes on to s3rver.
 */

export interface VersioningContext {
  method: string;
  status: number;
  body: unknown;
  type: string;
  length?: number;
  set(name: string, value: string): void;
}

type Query = Record<string, string | string[]>;
const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const OWNER = '<Owner><ID>123456789000</ID><DisplayName>S3rver</DisplayName></Owner>';
/** query parameters that make a PUT or DELETE act on something other than the object's content */
const OBJECT_SUBRESOURCES = ['tagging', 'acl', 'uploadId', 'uploads', 'retention', 'legal-hold'];
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';
/** stored metadata that S3 returns as response headers on GET/HEAD */
const RESPONSE_METADATA = ['content-type', 'content-encoding', 'content-disposition', 'content-language', 'cache-control', 'expires'];

const one = (q: Query, name: string): string | undefined => {
  const v = q[name];
  return Array.isArray(v) ? v[0] : v;
};

function decodeXml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos|#(\d+)|#x([0-9a-fA-F]+));/g, (_, name: string, dec?: string, hex?: string) =>
    dec
      ? String.fromCodePoint(Number(dec))
      : hex
        ? String.fromCodePoint(Number.parseInt(hex, 16))
        : ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[name],
  );
}

const malformed = () => new S3StoreError(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');

function sendXml(ctx: VersioningContext, status: number, xml: string): void {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = XML_HEAD + xml;
}

function quoted(etag: string): string {
  return etag.startsWith('"') ? etag : `"${etag}"`;
}

function versionXml(key: string, v: VersionEntry, latest: boolean): string {
  const common = `<Key>${escapeXml(key)}</Key><VersionId>${escapeXml(v.versionId)}</VersionId><IsLatest>${latest}</IsLatest><LastModified>${v.lastModified}</LastModified>`;
  return v.deleteMarker
    ? `<DeleteMarker>${common}${OWNER}</DeleteMarker>`
    : `<Version>${common}<ETag>${escapeXml(quoted(v.etag))}</ETag><Size>${v.size}</Size>${OWNER}<StorageClass>STANDARD</StorageClass></Version>`;
}

async function listVersions(ctx: VersioningContext, versions: ObjectVersions, bucket: string, query: Query): Promise<void> {
  if (one(query, 'delimiter')) throw new S3StoreError(501, 'NotImplemented', 'ListObjectVersions with a delimiter is not implemented by the embedded store');
  const prefix = one(query, 'prefix') ?? '';
  const keyMarker = one(query, 'key-marker') ?? '';
  const versionIdMarker = one(query, 'version-id-marker') ?? '';
  const maxKeys = Math.min(Number(one(query, 'max-keys') ?? 1000), 1000);
  if (!Number.isInteger(maxKeys) || maxKeys < 0)
    throw new S3StoreError(400, 'InvalidArgument', 'max-keys must be a non-negative integer', { ArgumentName: 'max-keys' });
  const rows: { key: string; v: VersionEntry; latest: boolean }[] = [];
  for (const { key, versions: vs } of await versions.list(bucket, prefix)) {
    if (keyMarker && key < keyMarker) continue;
    let from = 0;
    if (keyMarker && key === keyMarker) {
      // after the marker key's version-id-marker; without one the marker key is skipped whole
      const at = versionIdMarker ? vs.findIndex((v) => v.versionId === versionIdMarker) : -1;
      if (at < 0) continue;
      from = at + 1;
    }
    for (let i = from; i < vs.length; i++) rows.push({ key, v: vs[i], latest: i === 0 });
  }
  const page = rows.slice(0, maxKeys);
  const truncated = rows.length > page.length;
  const last = page.at(-1);
  sendXml(
    ctx,
    200,
    `<ListVersionsResult xmlns="${NS}"><Name>${escapeXml(bucket)}</Name><Prefix>${escapeXml(prefix)}</Prefix><KeyMarker>${escapeXml(keyMarker)}</KeyMarker>` +
      `<VersionIdMarker>${escapeXml(versionIdMarker)}</VersionIdMarker><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>` +
      (truncated && last
        ? `<NextKeyMarker>${escapeXml(last.key)}</NextKeyMarker><NextVersionIdMarker>${escapeXml(last.v.versionId)}</NextVersionIdMarker>`
        : '') +
      page.map((r) => versionXml(r.key, r.v, r.latest)).join('') +
      '</ListVersionsResult>',
  );
}

/** DeleteObjects on a versioned bucket: delete markers for keys, or the named versions for good. */
async function deleteMany(ctx: VersioningContext, versions: ObjectVersions, bucket: string, status: VersioningStatus, xml: string): Promise<void> {
  const objects = [...xml.matchAll(/<Object>([\s\S]*?)<\/Object>/g)].map((m) => {
    const key = /<Key>([\s\S]*?)<\/Key>/.exec(m[1])?.[1];
    if (key === undefined) throw malformed();
    const versionId = /<VersionId>([\s\S]*?)<\/VersionId>/.exec(m[1])?.[1];
    return { key: decodeXml(key), versionId: versionId === undefined ? undefined : decodeXml(versionId).trim() };
  });
  if (objects.length === 0 || objects.length > 1000) throw malformed();
  const quiet = /<Quiet>\s*true\s*<\/Quiet>/i.test(xml);
  const out: string[] = [];
  for (const o of objects) {
    try {
      if (o.versionId === undefined) {
        const marker = await versions.deleteCurrent(bucket, o.key, status);
        if (!quiet)
          out.push(
            `<Deleted><Key>${escapeXml(o.key)}</Key><DeleteMarker>true</DeleteMarker><DeleteMarkerVersionId>${escapeXml(marker.versionId)}</DeleteMarkerVersionId></Deleted>`,
          );
      } else {
        const removed = await versions.deleteVersion(bucket, o.key, o.versionId);
        if (!quiet)
          out.push(
            `<Deleted><Key>${escapeXml(o.key)}</Key><VersionId>${escapeXml(o.versionId)}</VersionId>${removed?.deleteMarker ? `<DeleteMarker>true</DeleteMarker><DeleteMarkerVersionId>${escapeXml(o.versionId)}</DeleteMarkerVersionId>` : ''}</Deleted>`,
          );
      }
    } catch (err) {
      if (!(err instanceof S3StoreError)) throw err;
      out.push(
        `<Error><Key>${escapeXml(o.key)}</Key>${o.versionId ? `<VersionId>${escapeXml(o.versionId)}</VersionId>` : ''}<Code>${err.code}</Code><Message>${escapeXml(err.message)}</Message></Error>`,
      );
    }
  }
  sendXml(ctx, 200, `<DeleteResult xmlns="${NS}">${out.join('')}</DeleteResult>`);
}

function parseRange(header: string | undefined, size: number): { start: number; end: number } | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  const start = m[1] === '' ? Math.max(0, size - Number(m[2])) : Number(m[1]);
  const end = m[1] === '' || m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || start > end)
    throw new S3StoreError(416, 'InvalidRange', 'The requested range is not satisfiable', { RangeRequested: header, ActualObjectSize: size });
  return { start, end };
}

/** GetObject / HeadObject of one stored version. */
async function serveVersion(
  ctx: VersioningContext,
  versions: ObjectVersions,
  p: { bucket: string; key: string; versionId: string; query: Query; headers: Record<string, string> },
): Promise<void> {
  const found = await versions.get(p.bucket, p.key, p.versionId);
  if (!found) throw noSuchVersion(p.key, p.versionId);
  ctx.set('x-amz-version-id', p.versionId);
  if (found.entry.deleteMarker) {
    ctx.set('x-amz-delete-marker', 'true');
    throw new S3StoreError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.', {
      Method: ctx.method,
      ResourceType: 'DeleteMarker',
    });
  }
  const { entry, metadata } = found;
  for (const [k, v] of Object.entries(metadata)) if (RESPONSE_METADATA.includes(k) || k.startsWith('x-amz-meta-')) ctx.set(k, v);
  for (const [k, v] of Object.entries(p.query)) {
    if (k.startsWith('response-') && RESPONSE_METADATA.includes(k.slice('response-'.length))) ctx.set(k.slice('response-'.length), Array.isArray(v) ? v[0] : v);
  }
  ctx.set('ETag', quoted(entry.etag));
  ctx.set('Last-Modified', new Date(entry.lastModified).toUTCString());
  ctx.set('Accept-Ranges', 'bytes');
  const range = parseRange(p.headers.range, entry.size);
  const start = range?.start ?? 0;
  const end = range?.end ?? entry.size - 1;
  if (range) ctx.set('Content-Range', `bytes ${start}-${end}/${entry.size}`);
  ctx.status = range ? 206 : 200;
  const length = entry.size === 0 ? 0 : end - start + 1;
  if (ctx.method === 'HEAD') {
    ctx.set('Content-Length', String(length));
    return;
  }
  ctx.body = length === 0 ? Buffer.alloc(0) : createReadStream(found.path, { start, end });
  ctx.set('Content-Length', String(length));
  ctx.type = metadata['content-type'] ?? 'application/octet-stream';
}

/**
 * Answers a versioning request, or returns false to let the guard pass it on (`next`, which this
 * may call itself to add version headers to s3rver's answer).
 */
export async function versioningRoute(
  ctx: VersioningContext,
  versions: ObjectVersions,
  p: {
    bucket: string;
    key: string;
    query: Query;
    headers: Record<string, string>;
    bodyText?: () => string;
    bucketExists: () => Promise<boolean>;
    next: () => Promise<void>;
  },
): Promise<boolean> {
  const { bucket, key, query, headers } = p;
  const method = ctx.method;
  if (!bucket) return false;
  if (!key) {
    const bucketOp = ('versioning' in query && (method === 'PUT' || method === 'GET')) || ('versions' in query && method === 'GET');
    if (!bucketOp && !('delete' in query && method === 'POST')) return false;
    if (!(await p.bucketExists())) throw new S3StoreError(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
    if ('versioning' in query && method === 'PUT') {
      const status = /<Status>\s*(Enabled|Suspended)\s*<\/Status>/.exec(p.bodyText?.() ?? '')?.[1] as VersioningStatus | undefined;
      if (!status) throw malformed();
      await versions.setStatus(bucket, status);
      ctx.status = 200;
      ctx.body = '';
      return true;
    }
    if ('versioning' in query) {
      const status = await versions.status(bucket);
      sendXml(ctx, 200, `<VersioningConfiguration xmlns="${NS}">${status ? `<Status>${status}</Status>` : ''}</VersioningConfiguration>`);
      return true;
    }
    if ('versions' in query) {
      await listVersions(ctx, versions, bucket, query);
      return true;
    }
    const status = await versions.status(bucket);
    if (!status) return false;
    await deleteMany(ctx, versions, bucket, status, p.bodyText?.() ?? '');
    return true;
  }

  const versionId = one(query, 'versionId');
  if ((method === 'GET' || method === 'HEAD') && versionId !== undefined) {
    // an object never versioned is its own `null` version
    if (versionId === NULL_VERSION && !(await versions.latest(bucket, key))) return false;
    await serveVersion(ctx, versions, { bucket, key, versionId, query, headers });
    return true;
  }
  const status = await versions.status(bucket);
  if (!status) {
    if (versionId !== undefined && versionId !== NULL_VERSION) throw noSuchVersion(key, versionId);
    return false;
  }
  if (method === 'GET' || method === 'HEAD') {
    await p.next();
    const latest = await versions.latest(bucket, key);
    if (latest?.deleteMarker && ctx.status === 404) {
      ctx.set('x-amz-delete-marker', 'true');
      ctx.set('x-amz-version-id', latest.versionId);
    } else if (latest && ctx.status < 300) ctx.set('x-amz-version-id', latest.versionId);
    return true;
  }
  if (method === 'DELETE' && !OBJECT_SUBRESOURCES.some((r) => r in query)) {
    if (versionId === undefined) {
      const marker = await versions.deleteCurrent(bucket, key, status);
      ctx.set('x-amz-delete-marker', 'true');
      ctx.set('x-amz-version-id', marker.versionId);
    } else {
      const removed = await versions.deleteVersion(bucket, key, versionId);
      ctx.set('x-amz-version-id', versionId);
      if (removed?.deleteMarker) ctx.set('x-amz-delete-marker', 'true');
    }
    ctx.status = 204;
    return true;
  }
  if (method === 'PUT' && !OBJECT_SUBRESOURCES.some((r) => r in query)) {
    const source = headers['x-amz-copy-source'];
    if (source && /[?&]versionId=/.test(source))
      throw new S3StoreError(501, 'NotImplemented', 'CopyObject from a given source version is not implemented by the embedded store');
    const id = await versions.write(bucket, key, status, async () => {
      await p.next();
      return ctx.status === 200;
    });
    if (id && status === 'Enabled') ctx.set('x-amz-version-id', id);
    return true;
  }
  return false;
}
