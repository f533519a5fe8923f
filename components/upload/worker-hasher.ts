import { hashInPlace, WHOLE_FILE_DIGEST_MAX, type FileHashes, type Hasher } from '@/lib/uploads/client/hash-source';

/**
 * The one hashing pass (whole file and parts). Up to WHOLE_FILE_DIGEST_MAX it runs in place: the
 * digests are WebCrypto's, which run off the main thread anyway, and a worker would only add its
 * start-up to every file of a series. Larger files stream through SHA-256 in WebAssembly, which
 * would hold the main thread, so they are hashed in a web worker: the page stays responsive.
 */
export const workerHasher: Hasher = (src, onProgress, signal) => {
  if (!src.blob || typeof Worker === 'undefined' || src.size <= WHOLE_FILE_DIGEST_MAX) return hashInPlace(src, onProgress, signal);
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./hash-worker.ts', import.meta.url));
    const done = () => worker.terminate();
    signal?.addEventListener('abort', () => (done(), reject(new DOMException('hashing cancelled', 'AbortError'))), { once: true });
    worker.onmessage = (e: MessageEvent<{ hashed?: number; hashes?: FileHashes; error?: string }>) => {
      if (e.data.hashed !== undefined) onProgress(e.data.hashed);
      else if (e.data.hashes) (done(), resolve(e.data.hashes));
      else (done(), reject(new Error(e.data.error ?? 'hashing failed')));
    };
    worker.onerror = (e) => (done(), reject(new Error(e.message)));
    worker.postMessage({ file: src.blob });
  });
};
