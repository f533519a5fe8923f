import { crc32, createSHA256 } from 'hash-wasm';
import { partLayout } from '../limits';
import type { UploadSource } from './upload-source';

/** chunk size of a single-PUT file's pass; a multipart file is read one part at a time */
const CHUNK = 4 * 1024 * 1024;

/** What one reading pass over a file yields: what the server is told, and what each part is signed with. */
export interface FileHashes {
  /** SHA-256 of the whole file, lowercase hex (declared when the file is registered) */
  sha256: string;
  /** base64 CRC32 of each part (multipart files only), in part order: signed into each part's URL */
  parts?: string[];
}

/**
 * Files up to this size are read once into memory and digested natively (WebCrypto, several times
 * faster than SHA-256 in WebAssembly); larger ones stream through hash-wasm 8 MiB at a time. The
 * buffer lives only for the pass: at most HASHES_IN_FLIGHT × 128 MiB, briefly, in the worst case.
 */
export const WHOLE_FILE_DIGEST_MAX = 128 * 1024 * 1024;

/**
 * One pass over a source yields the whole-file SHA-256 and, for a file sent in parts, each part's
 * CRC32 from the same bytes, so no byte is read twice (the parts are not hashed again when they are
 * sent). The part checksum is CRC32, the AWS SDKs' default: it is there to catch a part damaged on
 * the way, which it does at a small fraction of SHA-256's cost on both ends; the whole file's
 * SHA-256, declared up front, is what the server checks the assembled object against.
 */
export async function hashSource(src: Pick<UploadSource, 'size' | 'slice'>, onProgress?: (hashed: number) => void, signal?: AbortSignal): Promise<FileHashes> {
  const layout = partLayout(src.size);
  if (src.size <= WHOLE_FILE_DIGEST_MAX) {
    const bytes = await src.slice(0, src.size);
    if (signal?.aborted) throw new DOMException('hashing cancelled', 'AbortError');
    const whole = crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
    const parts = layout.multipart
      ? await sequential(layout.partCount, (i) => partChecksum(bytes.subarray(i * layout.partSize, Math.min(src.size, (i + 1) * layout.partSize))))
      : undefined;
    const sha256 = toHex(new Uint8Array(await whole));
    onProgress?.(src.size);
    return parts ? { sha256, parts } : { sha256 };
  }
  return streamHashes(src, onProgress, signal);
}

/**
 * The streaming pass for large files: hash-wasm's incremental SHA-256 over the parts in order, and
 * each part's CRC32; the next part is read while the current one is hashed, so at most two parts
 * (2 × 8 MiB) are held whatever the file size.
 */
async function streamHashes(src: Pick<UploadSource, 'size' | 'slice'>, onProgress?: (hashed: number) => void, signal?: AbortSignal): Promise<FileHashes> {
  const layout = partLayout(src.size);
  const h = await createSHA256();
  h.init();
  const step = layout.multipart ? layout.partSize : CHUNK;
  const count = Math.max(1, Math.ceil(src.size / step));
  // chunk i of a multipart file is exactly part i + 1
  const read = (i: number) => src.slice(i * step, Math.min(src.size, (i + 1) * step));
  const partSums: string[] = [];
  let next = read(0);
  for (let i = 0; i < count; i++) {
    if (signal?.aborted) {
      next.catch(() => {});
      throw new DOMException('hashing cancelled', 'AbortError');
    }
    const bytes = await next;
    if (i + 1 < count) next = read(i + 1);
    if (layout.multipart) partSums.push(await partChecksum(bytes));
    h.update(bytes);
    onProgress?.(Math.min(src.size, (i + 1) * step));
  }
  const sha256 = h.digest('hex');
  return layout.multipart ? { sha256, parts: partSums } : { sha256 };
}

function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

async function sequential<T>(n: number, f: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await f(i));
  return out;
}

/** base64 of the big-endian CRC32 of one part, as S3's x-amz-checksum-crc32 wants it (hash-wasm). */
export async function partChecksum(bytes: Uint8Array): Promise<string> {
  const hex = await crc32(bytes);
  let bin = '';
  for (let i = 0; i < 8; i += 2) bin += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
  return btoa(bin);
}

export type Hasher = (src: UploadSource, onProgress: (hashed: number) => void, signal?: AbortSignal) => Promise<FileHashes>;
export const hashInPlace: Hasher = (src, onProgress, signal) => hashSource(src, onProgress, signal);
