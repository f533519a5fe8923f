import { createSHA256 } from 'hash-wasm';
import type { UploadSource } from './upload-source';

const CHUNK = 4 * 1024 * 1024;

/** Streaming SHA-256 (hex) of a source, 4 MiB at a time; memory stays flat for any file size. */
export async function hashSource(src: Pick<UploadSource, 'size' | 'slice'>, onProgress?: (hashed: number) => void, signal?: AbortSignal): Promise<string> {
  const h = await createSHA256();
  h.init();
  for (let off = 0; off < src.size; off += CHUNK) {
    if (signal?.aborted) throw new DOMException('hashing cancelled', 'AbortError');
    h.update(await src.slice(off, Math.min(src.size, off + CHUNK)));
    onProgress?.(Math.min(src.size, off + CHUNK));
  }
  return h.digest('hex');
}

/** base64 SHA-256 of one part, as S3's x-amz-checksum-sha256 wants it (WebCrypto: off the main thread). */
export async function partChecksum(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let bin = '';
  for (const b of digest) bin += String.fromCharCode(b);
  return btoa(bin);
}

export type Hasher = (src: UploadSource, onProgress: (hashed: number) => void, signal?: AbortSignal) => Promise<string>;
export const hashInPlace: Hasher = (src, onProgress, signal) => hashSource(src, onProgress, signal);
