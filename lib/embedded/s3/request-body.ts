import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { once } from 'node:events';
import { S3StoreError } from './s3-error';

/** Bodies up to this size are held in memory; larger ones are spooled to a file in the store's folder. */
const IN_MEMORY_BYTES = 32 * 1024 * 1024;

/**
 * A request body read in full before s3rver sees it, with its length, SHA-256 and MD5, so the
 * store can refuse a body that does not match what was signed without storing anything.
 */
export class ReceivedBody {
  private constructor(
    readonly size: number,
    readonly sha256: Buffer,
    readonly md5: Buffer,
    private readonly chunks: Buffer[] | null,
    private readonly file: string | null,
  ) {}

  static async read(req: IncomingMessage, spoolDir: string): Promise<ReceivedBody> {
    const sha = createHash('sha256');
    const md5 = createHash('md5');
    let size = 0;
    let chunks: Buffer[] | null = [];
    let file: string | null = null;
    let out: WriteStream | null = null;
    try {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        sha.update(chunk);
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
    return new ReceivedBody(size, sha.digest(), md5.digest(), chunks, file);
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

/**
 * The checks S3 makes of a body against its headers: the signed Content-Length, the signed payload
 * hash (x-amz-content-sha256), x-amz-checksum-sha256 and Content-MD5.
 */
export function checkBody(body: ReceivedBody, h: { contentLength?: string; payloadHash?: string; checksumSha256?: string; contentMd5?: string }): void {
  if (h.contentLength !== undefined && Number(h.contentLength) !== body.size) {
    throw new S3StoreError(400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header');
  }
  if (h.payloadHash && /^[0-9a-f]{64}$/.test(h.payloadHash) && h.payloadHash !== body.sha256.toString('hex')) {
    throw new S3StoreError(400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", {
      ClientComputedContentSHA256: h.payloadHash,
      S3ComputedContentSHA256: body.sha256.toString('hex'),
    });
  }
  if (h.checksumSha256 !== undefined) {
    const want = decodeDigest(h.checksumSha256, 32);
    if (!want) throw new S3StoreError(400, 'InvalidRequest', 'Value for x-amz-checksum-sha256 header is invalid.');
    if (!want.equals(body.sha256)) throw new S3StoreError(400, 'BadDigest', 'The SHA256 you specified did not match the calculated checksum.');
  }
  if (h.contentMd5 !== undefined) {
    const want = decodeDigest(h.contentMd5, 16);
    if (!want) throw new S3StoreError(400, 'InvalidDigest', 'The Content-MD5 you specified was invalid.');
    if (!want.equals(body.md5)) throw new S3StoreError(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.');
  }
}
