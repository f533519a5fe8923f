import { hashInPlace, type Hasher } from '@/lib/uploads/client/hash-source';

/** SHA-256 in a web worker (streaming, hash-wasm): the page stays responsive on large files. */
export const workerHasher: Hasher = (src, onProgress, signal) => {
  if (!src.blob || typeof Worker === 'undefined') return hashInPlace(src, onProgress, signal);
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./hash-worker.ts', import.meta.url));
    const done = () => worker.terminate();
    signal?.addEventListener('abort', () => (done(), reject(new DOMException('hashing cancelled', 'AbortError'))), { once: true });
    worker.onmessage = (e: MessageEvent<{ hashed?: number; sha256?: string; error?: string }>) => {
      if (e.data.hashed !== undefined) onProgress(e.data.hashed);
      else if (e.data.sha256) (done(), resolve(e.data.sha256));
      else (done(), reject(new Error(e.data.error ?? 'hashing failed')));
    };
    worker.onerror = (e) => (done(), reject(new Error(e.message)));
    worker.postMessage({ file: src.blob });
  });
};
