import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { noSuchUpload } from './multipart-extensions';
import { escapeXml } from './s3-error';
import type { ReceivedBody } from './request-body';

/**
 * UploadPart and CompleteMultipartUpload done by the guard on s3rver's on-disk layout, instead of by
 * s3rver. The guard has already read and hashed every body (SHA-256 and MD5) to check it, so:
 * - a part is written once, atomically (temporary file, then rename), with the MD5 the guard
 *   computed; s3rver would stream it again and hash it a second time;
 * - completion concatenates the named parts into a temporary file and renames it onto the object,
 *   with S3's multipart ETag (MD5 of the parts' MD5s, "-N"); s3rver writes the object in place,
 *   re-reading and hashing every byte, and leaves a half-written object when it fails.
 * The part files are the ones s3rver and `multipart-extensions.ts` read (`<n>`, `<n>.md5`,
 * `<n>.sha256` or `<n>.crc32` in the upload's folder); the object is written where s3rver's store reads it.
 */

/** the checksum a part was sent with, kept beside it (`<n>.sha256` or `<n>.crc32`) for ListParts */
export interface PartChecksum {
  algorithm: 'sha256' | 'crc32';
  value: string;
}
export const PART_CHECKSUM_ALGORITHMS = ['sha256', 'crc32'] as const;

export interface ObjectStoreLike {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5?: string): Promise<void>;
}

function temp(dir: string): string {
  return join(dir, `.tmp-${randomBytes(8).toString('hex')}`);
}

/**
 * Stores one checked part in its upload's folder and returns its ETag (quoted MD5). The `.md5` file
 * is written last: a part without it is not listed, so a part being replaced is never listed with
 * the old part's ETag. The folder is never created here: a part for an upload aborted meanwhile
 * fails with NoSuchUpload rather than bringing the upload back.
 */
export async function storePart(uploadDir: string, uploadId: string, partNumber: number, body: ReceivedBody, checksum?: PartChecksum): Promise<string> {
  const path = join(uploadDir, String(partNumber));
  const tmp = temp(uploadDir);
  try {
    await rm(`${path}.md5`, { force: true });
    await pipeline(body.stream(), createWriteStream(tmp, { flags: 'wx' }));
    await rename(tmp, path);
    for (const a of PART_CHECKSUM_ALGORITHMS) {
      if (checksum?.algorithm === a) await writeFile(`${path}.${a}`, checksum.value);
      else await rm(`${path}.${a}`, { force: true });
    }
    const md5 = body.md5.toString('hex');
    await writeFile(`${path}.md5`, md5);
    return `"${md5}"`;
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {});
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw noSuchUpload(uploadId);
    throw err;
  }
}

/**
 * Assembles the named parts (already checked by `checkCompletion`: ascending, present, matching
 * ETags, sizes) into the object, atomically, then removes the upload. Returns the XML S3 answers.
 */
export async function assembleUpload(
  store: ObjectStoreLike,
  p: { bucket: string; key: string; uploadId: string; uploadDir: string; parts: { partNumber: number; md5: string }[]; location: string },
): Promise<string> {
  const objectPath = store.getResourcePath(p.bucket, p.key, 'object');
  const tmp = temp(p.uploadDir);
  try {
    const metadata = JSON.parse(await readFile(join(p.uploadDir, 'metadata'), 'utf8')) as Record<string, string>;
    const out = createWriteStream(tmp, { flags: 'wx' });
    await pipeline(async function* () {
      for (const part of p.parts) yield* createReadStream(join(p.uploadDir, String(part.partNumber)), { highWaterMark: 1024 * 1024 });
    }, out);
    await mkdir(dirname(objectPath), { recursive: true });
    // the ETag S3 gives a multipart object: MD5 of the concatenated binary part MD5s, then "-" and the count
    const etag = `${createHash('md5')
      .update(Buffer.concat(p.parts.map((x) => Buffer.from(x.md5, 'hex'))))
      .digest('hex')}-${p.parts.length}`;
    await rename(tmp, objectPath);
    await store.putMetadata(p.bucket, p.key, metadata, etag);
    await rm(p.uploadDir, { recursive: true, force: true });
    return (
      `<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
      `<Location>${escapeXml(p.location)}</Location><Bucket>${escapeXml(p.bucket)}</Bucket><Key>${escapeXml(p.key)}</Key><ETag>&quot;${etag}&quot;</ETag></CompleteMultipartUploadResult>`
    );
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {});
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw noSuchUpload(p.uploadId);
    throw err;
  }
}
