import { readFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { S3StoreError, escapeXml } from './s3-error';

/**
 * Multipart operations s3rver 3.7.1 lacks, on its own on-disk state: an upload is the folder
 * `<bucket>/._S3rver_uploads/<uploadId>/` holding `key`, `metadata` and one file per part (`<n>`,
 * `<n>.md5`). ListParts, ListMultipartUploads and AbortMultipartUpload answer S3's XML; the checks
 * below refuse parts and completions for uploads that do not exist, as S3 does (s3rver would
 * silently recreate an aborted upload's folder). A part's signed checksum is kept beside it
 * (`<n>.sha256` or `<n>.crc32`) so ListParts returns it. Parts are stored and uploads assembled by
 * `multipart-store.ts`.
 */

export interface UploadsLocator {
  /** the folder holding a bucket's in-progress uploads (s3rver's store.getResourcePath(bucket, undefined, 'uploads')) */
  uploadsDir(bucket: string): string;
  bucketExists(bucket: string): Promise<boolean>;
}

const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const OWNER = '<ID>123456789000</ID><DisplayName>S3rver</DisplayName>';
/** s3rver makes 16 random bytes, hex: anything else cannot name an upload (and never reaches a path) */
const UPLOAD_ID = /^[0-9a-f]{32}$/;
const MIN_PART_BYTES = 5 * 1024 * 1024;

interface UploadInfo {
  uploadId: string;
  key: string;
  dir: string;
  initiated: Date;
}

export function noSuchUpload(uploadId: string): S3StoreError {
  return new S3StoreError(
    404,
    'NoSuchUpload',
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    { UploadId: uploadId },
  );
}

async function readUploadInfo(loc: UploadsLocator, bucket: string, uploadId: string): Promise<UploadInfo | null> {
  if (!UPLOAD_ID.test(uploadId)) return null;
  const dir = join(loc.uploadsDir(bucket), uploadId);
  try {
    const keyFile = join(dir, 'key');
    const [key, st] = await Promise.all([readFile(keyFile, 'utf8'), stat(keyFile)]);
    return { uploadId, key, dir, initiated: st.mtime };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw err;
  }
}

/** The upload, or 404 NoSuchUpload when it does not exist or belongs to another key. */
export async function requireUpload(loc: UploadsLocator, bucket: string, key: string, uploadId: string): Promise<UploadInfo> {
  const info = await readUploadInfo(loc, bucket, uploadId);
  if (!info || info.key !== key) throw noSuchUpload(uploadId);
  return info;
}

interface PartInfo {
  partNumber: number;
  size: number;
  etag: string;
  lastModified: Date;
  sha256?: string;
  crc32?: string;
}

async function readParts(dir: string): Promise<PartInfo[]> {
  const names = await readdir(dir);
  const nums = names
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
  const parts = await Promise.all(
    nums.map(async (n): Promise<PartInfo | null> => {
      try {
        const [st, md5] = await Promise.all([stat(join(dir, String(n))), readFile(join(dir, `${n}.md5`), 'utf8')]);
        const [sha256, crc32] = await Promise.all(
          ['sha256', 'crc32'].map((a) =>
            readFile(join(dir, `${n}.${a}`), 'utf8').then(
              (v) => v.trim(),
              () => undefined,
            ),
          ),
        );
        return { partNumber: n, size: st.size, etag: `"${md5.trim()}"`, lastModified: st.mtime, sha256, crc32 };
      } catch {
        return null; // a part still being written (no .md5 yet) is not listed
      }
    }),
  );
  return parts.filter((p): p is PartInfo => p !== null);
}

function intParam(query: Record<string, string | string[]>, name: string, dflt: number, max: number): number {
  const raw = query[name];
  if (raw === undefined) return dflt;
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (!/^\d+$/.test(v))
    throw new S3StoreError(400, 'InvalidArgument', `Provided ${name} not an integer or within integer range`, { ArgumentName: name, ArgumentValue: v });
  return Math.min(Number(v), max);
}

function str(query: Record<string, string | string[]>, name: string): string {
  const v = query[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

/** ListParts: GET /bucket/key?uploadId=… (max-parts, part-number-marker) */
export async function listParts(loc: UploadsLocator, bucket: string, key: string, query: Record<string, string | string[]>): Promise<string> {
  const uploadId = str(query, 'uploadId');
  const info = await requireUpload(loc, bucket, key, uploadId);
  const maxParts = intParam(query, 'max-parts', 1000, 1000);
  const marker = intParam(query, 'part-number-marker', 0, 10000);
  const all = (await readParts(info.dir)).filter((p) => p.partNumber > marker);
  const page = all.slice(0, maxParts);
  const truncated = all.length > page.length;
  const parts = page
    .map(
      (p) =>
        `<Part><PartNumber>${p.partNumber}</PartNumber><LastModified>${p.lastModified.toISOString()}</LastModified><ETag>${escapeXml(p.etag)}</ETag><Size>${p.size}</Size>${p.sha256 ? `<ChecksumSHA256>${escapeXml(p.sha256)}</ChecksumSHA256>` : ''}${p.crc32 ? `<ChecksumCRC32>${escapeXml(p.crc32)}</ChecksumCRC32>` : ''}</Part>`,
    )
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListPartsResult xmlns="${NS}"><Bucket>${escapeXml(bucket)}</Bucket><Key>${escapeXml(key)}</Key><UploadId>${uploadId}</UploadId>` +
    `<Initiator>${OWNER}</Initiator><Owner>${OWNER}</Owner><StorageClass>STANDARD</StorageClass>` +
    `<PartNumberMarker>${marker}</PartNumberMarker>${page.length ? `<NextPartNumberMarker>${page[page.length - 1].partNumber}</NextPartNumberMarker>` : ''}` +
    `<MaxParts>${maxParts}</MaxParts><IsTruncated>${truncated}</IsTruncated>${parts}</ListPartsResult>`
  );
}

/** ListMultipartUploads: GET /bucket?uploads (prefix, delimiter, key-marker, upload-id-marker, max-uploads) */
export async function listMultipartUploads(loc: UploadsLocator, bucket: string, query: Record<string, string | string[]>): Promise<string> {
  if (!(await loc.bucketExists(bucket))) {
    throw new S3StoreError(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
  }
  const prefix = str(query, 'prefix');
  const delimiter = str(query, 'delimiter');
  const keyMarker = str(query, 'key-marker');
  const uploadIdMarker = str(query, 'upload-id-marker');
  const maxUploads = intParam(query, 'max-uploads', 1000, 1000);

  let ids: string[] = [];
  try {
    ids = await readdir(loc.uploadsDir(bucket));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const uploads = (await Promise.all(ids.map((id) => readUploadInfo(loc, bucket, id))))
    .filter((u): u is UploadInfo => u?.key.startsWith(prefix) === true)
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.initiated.getTime() - b.initiated.getTime() || (a.uploadId < b.uploadId ? -1 : 1)));

  // S3: after key-marker alone, keys greater than it; with upload-id-marker, also the later uploads of key-marker
  let start = 0;
  if (keyMarker) {
    start = uploads.findIndex((u) => u.key > keyMarker);
    if (start < 0) start = uploads.length;
    if (uploadIdMarker) {
      const at = uploads.findIndex((u) => u.key === keyMarker && u.uploadId === uploadIdMarker);
      if (at >= 0) start = at + 1;
    }
  }
  const entries: string[] = [];
  const prefixes = new Set<string>();
  let truncated = false;
  let last: UploadInfo | undefined;
  for (const u of uploads.slice(start)) {
    const rest = u.key.slice(prefix.length);
    const cut = delimiter ? rest.indexOf(delimiter) : -1;
    if (cut >= 0) {
      const p = prefix + rest.slice(0, cut + delimiter.length);
      if (prefixes.has(p)) continue;
      if (entries.length + prefixes.size >= maxUploads) {
        truncated = true;
        break;
      }
      prefixes.add(p);
      last = u;
      continue;
    }
    if (entries.length + prefixes.size >= maxUploads) {
      truncated = true;
      break;
    }
    last = u;
    entries.push(
      `<Upload><Key>${escapeXml(u.key)}</Key><UploadId>${u.uploadId}</UploadId><Initiator>${OWNER}</Initiator><Owner>${OWNER}</Owner><StorageClass>STANDARD</StorageClass><Initiated>${u.initiated.toISOString()}</Initiated></Upload>`,
    );
  }
  const next = truncated && last ? `<NextKeyMarker>${escapeXml(last.key)}</NextKeyMarker><NextUploadIdMarker>${last.uploadId}</NextUploadIdMarker>` : '';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListMultipartUploadsResult xmlns="${NS}"><Bucket>${escapeXml(bucket)}</Bucket>` +
    `<KeyMarker>${escapeXml(keyMarker)}</KeyMarker><UploadIdMarker>${escapeXml(uploadIdMarker)}</UploadIdMarker>${next}` +
    `<Prefix>${escapeXml(prefix)}</Prefix>${delimiter ? `<Delimiter>${escapeXml(delimiter)}</Delimiter>` : ''}` +
    `<MaxUploads>${maxUploads}</MaxUploads><IsTruncated>${truncated}</IsTruncated>${entries.join('')}` +
    [...prefixes].map((p) => `<CommonPrefixes><Prefix>${escapeXml(p)}</Prefix></CommonPrefixes>`).join('') +
    `</ListMultipartUploadsResult>`
  );
}

/** AbortMultipartUpload: DELETE /bucket/key?uploadId=… → its parts are gone. */
export async function abortMultipartUpload(loc: UploadsLocator, bucket: string, key: string, uploadId: string): Promise<void> {
  const info = await requireUpload(loc, bucket, key, uploadId);
  await rm(info.dir, { recursive: true, force: true });
}

/** UploadPart: the part number S3 accepts (1 to 10,000). */
export function checkPartNumber(query: Record<string, string | string[]>): number {
  const raw = str(query, 'partNumber');
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= 10000)) {
    throw new S3StoreError(400, 'InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', {
      ArgumentName: 'partNumber',
      ArgumentValue: raw,
    });
  }
  return n;
}

/**
 * CompleteMultipartUpload: the parts named are in ascending order, each was uploaded with that ETag,
 * and all but the last are at least 5 MiB (S3's InvalidPartOrder, InvalidPart, EntityTooSmall).
 */
export async function checkCompletion(
  loc: UploadsLocator,
  bucket: string,
  key: string,
  uploadId: string,
  bodyXml: string,
): Promise<{ uploadDir: string; parts: { partNumber: number; md5: string }[] } | null> {
  const info = await requireUpload(loc, bucket, key, uploadId);
  const named = [...bodyXml.matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map((m) => ({
    partNumber: Number(/<PartNumber>\s*(\d+)\s*<\/PartNumber>/.exec(m[1])?.[1] ?? NaN),
    etag: (/<ETag>([\s\S]*?)<\/ETag>/.exec(m[1])?.[1] ?? '').replace(/&quot;|&#34;|"/g, '').trim(),
  }));
  if (!named.length) return null; // s3rver answers MalformedXML
  const stored = new Map((await readParts(info.dir)).map((p) => [p.partNumber, p]));
  for (let i = 0; i < named.length; i++) {
    const n = named[i];
    if (i > 0 && !(n.partNumber > named[i - 1].partNumber)) {
      throw new S3StoreError(400, 'InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.', {
        UploadId: uploadId,
      });
    }
    const part = stored.get(n.partNumber);
    if (!part || part.etag.replace(/"/g, '') !== n.etag) {
      throw new S3StoreError(
        400,
        'InvalidPart',
        "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
        { UploadId: uploadId, PartNumber: n.partNumber, ETag: n.etag },
      );
    }
    if (i < named.length - 1 && part.size < MIN_PART_BYTES) {
      throw new S3StoreError(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', {
        ProposedSize: part.size,
        MinSizeAllowed: MIN_PART_BYTES,
        PartNumber: n.partNumber,
        ETag: n.etag,
      });
    }
  }
  return { uploadDir: info.dir, parts: named.map((n) => ({ partNumber: n.partNumber, md5: n.etag })) };
}
