import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { once } from 'node:events';
import { S3StoreError } from './s3-error';

/** Bodies up to this size are held in memory; larger ones are spooled to a file in the store's folder. */
const IN_MEMORY_BYTES = 32 * 1024 * 1024;

/** The digests of a body the checks need: MD5 always (the ETag); SHA-256 and CRC32 only when asked for. */
export interface BodyDigests {
  sha256: boolean;
  crc32: boolean;
}

/**
 * A request body read in full before s3rver sees it, with its length, MD5 and the checksums its
 * headers name (SHA-256, CRC32), so the store can refuse a body that does not match what was signed
 * without storing anything.
 */
export class ReceivedBody {
  private constructor(
    readonly size: number,
    readonly sha256: Buffer | null,
    readonly crc32: number | null,
    readonly md5: Buffer,
    private readonly chunks: Buffer[] | null,
    private readonly file: string | null,
  ) {}

  static async read(req: IncomingMessage, spoolDir: string, want: BodyDigests = { sha256: true, crc32: false }): Promise<ReceivedBody> {
    const sha = want.sha256 ? createHash('sha256') : null;
    let crc = want.crc32 ? 0 : null;
    const md5 = createHash('md5');
    let size = 0;
    let chunks: Buffer[] | null = [];
    let file: string | null = null;
    let out: WriteStream | null = null;
    try {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        sha?.update(chunk);
        if (crc !== null) crc = crc32(chunk, crc);
        md5.update(chunk);
        size += chunk.length;
        if (chunks && size > IN_MEMORY_BYTES) {
          await mkdir(spoolDir, { recursive: true });
          file = join(spoolDir, `body-${randomBytes(8).toString('hex')}`);
          out = createWriteStream(file);
          for (const c of chunks) if (!out.write(c)) await once(out, 'drain');
          chunks = null;
        }
        if (chunks) chunks.push(chunk);
        else if (!out!.write(chunk)) await once(out!, 'drain');
      }
      if (out) {
        out.end();
        await once(out, 'finish');
      }
      if (!req.complete) throw new Error('aborted');
    } catch {
      out?.destroy();
      if (file) await rm(file, { force: true });
      throw new S3StoreError(400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header');
    }
    return new ReceivedBody(size, sha?.digest() ?? null, crc, md5.digest(), chunks, file);
  }

  /** the body again, for s3rver to store */
  stream(): Readable {
    return this.chunks ? Readable.from(this.chunks, { objectMode: false }) : createReadStream(this.file!);
  }

  text(): string {
    return this.chunks ? Buffer.concat(this.chunks).toString('utf8') : '';
  }

  async dispose(): Promise<void> {
    if (this.file) await rm(this.file, { force: true });
  }
}

function decodeDigest(value: string, bytes: number): Buffer | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return null;
  const b = Buffer.from(value, 'base64');
  return b.length === bytes ? b : null;
}

/** The flexible checksums S3 accepts; the embedded store checks SHA-256 and CRC32 and refuses the others rather than store them unchecked. */
const UNCHECKED_ALGORITHMS = ['crc32c', 'crc64nvme', 'sha1'];

export function uncheckedChecksum(headers: Record<string, string | undefined>): string | null {
  for (const a of UNCHECKED_ALGORITHMS) if (headers[`x-amz-checksum-${a}`] !== undefined) return a;
  return null;
}

/** What the headers ask the body to be checked against, so only those digests are made. */
export function digestsFor(h: { payloadHash?: string; checksumSha256?: string; checksumCrc32?: string }): BodyDigests {
  return { sha256: Boolean(h.checksumSha256 !== undefined || (h.payloadHash && /^[0-9a-f]{64}$/.test(h.payloadHash))), crc32: h.checksumCrc32 !== undefined };
}

function crcBytes(crc: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(crc >>> 0);
  return b;
}

/**
 * The checks S3 makes of a body against its headers: the signed Content-Length, the signed payload
 * hash (x-amz-content-sha256), x-amz-checksum-sha256, x-amz-checksum-crc32 and Content-MD5.
 */
export function checkBody(
  body: ReceivedBody,
  h: { contentLength?: string; payloadHash?: string; checksumSha256?: string; checksumCrc32?: string; contentMd5?: string },
): void {
  if (h.contentLength !== undefined && Number(h.contentLength) !== body.size) {
    throw new S3StoreError(400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header');
  }
  if (h.payloadHash && /^[0-9a-f]{64}$/.test(h.payloadHash) && h.payloadHash !== body.sha256?.toString('hex')) {
    throw new S3StoreError(400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", {
      ClientComputedContentSHA256: h.payloadHash,
      S3ComputedContentSHA256: body.sha256?.toString('hex') ?? '',
    });
  }
  if (h.checksumSha256 !== undefined) {
    const want = decodeDigest(h.checksumSha256, 32);
    if (!want) throw new S3StoreError(400, 'InvalidRequest', 'Value for x-amz-checksum-sha256 header is invalid.');
    if (!body.sha256 || !want.equals(body.sha256)) throw new S3StoreError(400, 'BadDigest', 'The SHA256 you specified did not match the calculated checksum.');
  }
  if (h.checksumCrc32 !== undefined) {
    const want = decodeDigest(h.checksumCrc32, 4);
    if (!want) throw new S3StoreError(400, 'InvalidRequest', 'Value for x-amz-checksum-crc32 header is invalid.');
    if (body.crc32 === null || !want.equals(crcBytes(body.crc32)))
      throw new S3StoreError(400, 'BadDigest', 'The CRC32 you specified did not match the calculated checksum.');
  }
  if (h.contentMd5 !== undefined) {
    const want = decodeDigest(h.contentMd5, 16);
    if (!want) throw new S3StoreError(400, 'InvalidDigest', 'The Content-MD5 you specified was invalid.');
    if (!want.equals(body.md5)) throw new S3StoreError(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.');
  }
}
