import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ALGORITHM_IDENTIFIER, MAX_PRESIGNED_TTL, SignatureV4Base, UNSIGNED_PAYLOAD, getCanonicalHeaders, getSigningKey } from '@smithy/signature-v4';
import { S3StoreError } from './s3-error';

/**
 * AWS Signature Version 4 verification for the embedded S3 store (s3rver accepts any V4 signature).
 * The canonical request, string to sign and signing key come from @smithy/signature-v4 (the signer
 * the AWS SDK itself uses); this file only reads the received request into the signer's shape and
 * compares. Covers presigned (query-string) and Authorization-header requests, path as received
 * (S3 does not re-encode or normalise it), only the headers the client listed as signed.
 */

type HttpRequestLike = Parameters<typeof getCanonicalHeaders>[0];
type Query = Record<string, string | string[]>;

/** node:crypto SHA-256 / HMAC-SHA256 in the constructor shape smithy's signer expects. */
class NodeSha256 {
  private h;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.h.update(toBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
  reset(): void {
    throw new Error('not used');
  }
}

function toBuffer(d: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof d === 'string') return Buffer.from(d, 'utf8');
  if (ArrayBuffer.isView(d)) return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  return Buffer.from(d);
}

/** Exposes the SDK signer's canonical-request and string-to-sign steps (protected on its base class). */
class Canonicalizer extends SignatureV4Base {
  constructor() {
    // S3 signs the path exactly as sent: no double encoding, no normalisation.
    super({ service: 's3', region: 'us-east-1', credentials: { accessKeyId: '', secretAccessKey: '' }, sha256: NodeSha256, uriEscapePath: false });
  }
  async build(request: HttpRequestLike, signedHeaders: Set<string>, payloadHash: string, longDate: string, scope: string) {
    const canonicalHeaders = getCanonicalHeaders(request, undefined, signedHeaders);
    const canonicalRequest = this.createCanonicalRequest(request, canonicalHeaders, payloadHash);
    const stringToSign = await this.createStringToSign(longDate, scope, canonicalRequest, ALGORITHM_IDENTIFIER);
    return { canonicalRequest, stringToSign, headerList: this.getCanonicalHeaderList(canonicalHeaders) };
  }
}
const canonicalizer = new Canonicalizer();

export interface ReceivedRequest {
  method: string;
  /** the request target as received: path and query, still percent-encoded */
  url: string;
  /** node's req.rawHeaders: name, value, name, value… */
  rawHeaders: string[];
}

export type AuthResult =
  | { kind: 'anonymous' }
  /** signature V2: left to s3rver, which does verify V2 */
  | { kind: 'v2' }
  | {
      kind: 'v4';
      presigned: boolean;
      accessKeyId: string;
      region: string;
      signedHeaders: Set<string>;
      /** hex SHA-256 of the body, UNSIGNED-PAYLOAD or a STREAMING-* marker */
      payloadHash: string;
      /** the query, decoded (x-amz-* parameters of a presigned URL included) */
      query: Query;
      /** lower-case header name → value (duplicates joined by ',') */
      headers: Record<string, string>;
    };

const SKEW_MS = 15 * 60 * 1000;

export function parseQuery(search: string): Query {
  const query: Query = {};
  for (const pair of search.split('&')) {
    if (!pair) continue;
    const i = pair.indexOf('=');
    const k = decode(i < 0 ? pair : pair.slice(0, i));
    const v = i < 0 ? '' : decode(pair.slice(i + 1));
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return query;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new S3StoreError(400, 'InvalidArgument', 'The request URI is not a valid percent-encoded string.');
  }
}

export function headerMap(rawHeaders: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    out[name] = name in out ? `${out[name]},${rawHeaders[i + 1]}` : rawHeaders[i + 1];
  }
  return out;
}

function one(q: Query, name: string): string | undefined {
  const v = q[name];
  return Array.isArray(v) ? v[0] : v;
}

/** yyyyMMdd'T'HHmmss'Z' → Date, or null */
function parseAmzDate(s: string | undefined): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s ?? '');
  if (!m) return null;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  return Number.isNaN(d.getTime()) ? null : d;
}

function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function parseCredential(credential: string, presigned: boolean) {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request' || !/^\d{8}$/.test(parts[1])) {
    throw presigned
      ? new S3StoreError(
          400,
          'AuthorizationQueryParametersError',
          `Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`,
        )
      : new S3StoreError(
          400,
          'AuthorizationHeaderMalformed',
          'The authorization header is malformed; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
        );
  }
  const [accessKeyId, shortDate, region, service] = parts;
  if (service !== 's3')
    throw new S3StoreError(
      400,
      'AuthorizationHeaderMalformed',
      `The authorization header is malformed; incorrect service "${service}". This endpoint belongs to "s3".`,
    );
  return { accessKeyId, shortDate, region, service, scope: parts.slice(1).join('/') };
}

/**
 * Verifies the request's SigV4 signature against `secrets` (access key id → secret access key).
 * Returns what was signed; throws S3StoreError as S3 would answer (403 SignatureDoesNotMatch,
 * 403 AccessDenied "Request has expired", 403 InvalidAccessKeyId, 400 for malformed auth).
 */
export async function verifySigV4(req: ReceivedRequest, secrets: ReadonlyMap<string, string>, now = new Date()): Promise<AuthResult> {
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const query = parseQuery(q < 0 ? '' : req.url.slice(q + 1));
  const headers = headerMap(req.rawHeaders);
  const auth = headers.authorization;
  const presigned = 'X-Amz-Algorithm' in query;

  if (auth !== undefined && presigned) {
    throw new S3StoreError(
      400,
      'InvalidArgument',
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
    );
  }
  if (!presigned && auth === undefined) return 'Signature' in query ? { kind: 'v2' } : { kind: 'anonymous' };
  if (auth !== undefined && /^AWS /.test(auth)) return { kind: 'v2' };

  let credential: string;
  let signedHeaderList: string;
  let signature: string;
  let longDate: string;
  let payloadHash: string;
  if (presigned) {
    if (one(query, 'X-Amz-Algorithm') !== ALGORITHM_IDENTIFIER) {
      throw new S3StoreError(400, 'AuthorizationQueryParametersError', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
    }
    const need = ['X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Expires'];
    if (need.some((n) => one(query, n) === undefined)) {
      throw new S3StoreError(
        400,
        'AuthorizationQueryParametersError',
        'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
      );
    }
    credential = one(query, 'X-Amz-Credential')!;
    signedHeaderList = one(query, 'X-Amz-SignedHeaders')!;
    signature = one(query, 'X-Amz-Signature')!;
    longDate = one(query, 'X-Amz-Date')!;
    const date = parseAmzDate(longDate);
    if (!date) throw new S3StoreError(400, 'AuthorizationQueryParametersError', `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`);
    const expiresRaw = one(query, 'X-Amz-Expires')!;
    const expires = /^\d+$/.test(expiresRaw) ? Number(expiresRaw) : NaN;
    if (!Number.isFinite(expires)) throw new S3StoreError(400, 'AuthorizationQueryParametersError', 'X-Amz-Expires should be a number');
    if (expires > MAX_PRESIGNED_TTL) {
      throw new S3StoreError(400, 'AuthorizationQueryParametersError', 'X-Amz-Expires must be less than a week (in seconds) that is 604800');
    }
    const expiresAt = new Date(date.getTime() + expires * 1000);
    if (now.getTime() > expiresAt.getTime()) {
      throw new S3StoreError(403, 'AccessDenied', 'Request has expired', {
        'X-Amz-Expires': expiresRaw,
        Expires: isoSeconds(expiresAt),
        ServerTime: isoSeconds(now),
      });
    }
    if (date.getTime() - now.getTime() > SKEW_MS) throw new S3StoreError(403, 'AccessDenied', 'Request is not valid yet');
    payloadHash = one(query, 'X-Amz-Content-Sha256') ?? UNSIGNED_PAYLOAD;
  } else {
    const m = /^AWS4-HMAC-SHA256\s+(.*)$/.exec(auth!);
    if (!m) throw new S3StoreError(400, 'InvalidArgument', 'Unsupported Authorization Type', { ArgumentName: 'Authorization', ArgumentValue: auth! });
    const parts = new Map(
      m[1].split(',').map((c) => {
        const t = c.trim();
        const i = t.indexOf('=');
        return [t.slice(0, i), t.slice(i + 1)] as const;
      }),
    );
    for (const n of ['Credential', 'SignedHeaders', 'Signature']) {
      if (!parts.get(n)) throw new S3StoreError(400, 'AuthorizationHeaderMalformed', `The authorization header is malformed; missing ${n}.`);
    }
    credential = parts.get('Credential')!;
    signedHeaderList = parts.get('SignedHeaders')!;
    signature = parts.get('Signature')!;
    if (headers['x-amz-content-sha256'] === undefined) {
      throw new S3StoreError(400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
    }
    payloadHash = headers['x-amz-content-sha256'];
    if (!/^(UNSIGNED-PAYLOAD|STREAMING-[A-Z0-9-]+|[0-9a-f]{64})$/.test(payloadHash)) {
      throw new S3StoreError(
        400,
        'InvalidArgument',
        'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, or a valid sha256 value.',
        { ArgumentName: 'x-amz-content-sha256', ArgumentValue: payloadHash },
      );
    }
    const date = headers['x-amz-date'] !== undefined ? parseAmzDate(headers['x-amz-date']) : headers.date ? new Date(headers.date) : null;
    if (!date || Number.isNaN(date.getTime())) throw new S3StoreError(403, 'AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
    if (Math.abs(now.getTime() - date.getTime()) > SKEW_MS) {
      throw new S3StoreError(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', {
        RequestTime: isoSeconds(date),
        ServerTime: isoSeconds(now),
      });
    }
    longDate = headers['x-amz-date'] ?? isoSeconds(date).replace(/[-:]/g, '');
  }

  const cred = parseCredential(credential, presigned);
  const secret = secrets.get(cred.accessKeyId);
  if (secret === undefined) {
    throw new S3StoreError(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', {
      AWSAccessKeyId: cred.accessKeyId,
    });
  }

  const signedHeaders = new Set(
    signedHeaderList
      .split(';')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );
  if (!signedHeaders.has('host')) {
    throw new S3StoreError(400, presigned ? 'AuthorizationQueryParametersError' : 'AuthorizationHeaderMalformed', 'Host must be a signed header.');
  }
  // S3 requires every x-amz-* header sent to be signed (an unsigned checksum or metadata header could
  // otherwise be added to a presigned URL).
  const unsigned = Object.keys(headers).filter((h) => h.startsWith('x-amz-') && !signedHeaders.has(h));
  if (unsigned.length) {
    throw new S3StoreError(403, 'AccessDenied', 'There were headers present in the request which were not signed', { HeadersNotSigned: unsigned.join(', ') });
  }

  const request: HttpRequestLike = {
    method: req.method.toUpperCase(),
    protocol: 'http:',
    hostname: '',
    path,
    query,
    headers: Object.fromEntries(Object.entries(headers).filter(([name]) => signedHeaders.has(name))),
  } as HttpRequestLike;
  const built = await canonicalizer.build(request, signedHeaders, payloadHash, longDate, cred.scope);
  const key = await getSigningKey(NodeSha256, { accessKeyId: cred.accessKeyId, secretAccessKey: secret }, cred.shortDate, cred.region, cred.service);
  const expected = createHmac('sha256', key).update(built.stringToSign, 'utf8').digest('hex');
  // a signed header missing from the request changes the list, and so the signature
  const sameList = built.headerList === [...signedHeaders].sort().join(';') && built.headerList === signedHeaderList.toLowerCase();
  if (!sameList || !safeEqual(expected, signature)) {
    throw new S3StoreError(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      {
        AWSAccessKeyId: cred.accessKeyId,
        StringToSign: built.stringToSign,
        SignatureProvided: signature,
        CanonicalRequest: built.canonicalRequest,
      },
    );
  }
  return { kind: 'v4', presigned, accessKeyId: cred.accessKeyId, region: cred.region, signedHeaders, payloadHash, query, headers };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
