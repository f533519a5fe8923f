import { hashInPlace, type FileHashes, type Hasher } from '@/lib/uploads/client/hash-source';

/** workers kept for the page's life: a series of hundreds of files pays for starting them once */
const POOL_SIZE = 2;

type Reply = { id: number; hashed?: number; hashes?: FileHashes; error?: string };
interface Job {
  onProgress: (hashed: number) => void;
  resolve: (h: FileHashes) => void;
  reject: (e: Error) => void;
}

class HashWorker {
  readonly worker = new Worker(new URL('./hash-worker.ts', import.meta.url));
  readonly jobs = new Map<number, Job>();
  constructor() {
    this.worker.onmessage = (e: MessageEvent<Reply>) => {
      const job = this.jobs.get(e.data.id);
      if (!job) return; // cancelled: its answer is dropped
      if (e.data.hashed !== undefined) return job.onProgress(e.data.hashed);
      this.jobs.delete(e.data.id);
      if (e.data.hashes) job.resolve(e.data.hashes);
      else job.reject(new Error(e.data.error ?? 'hashing failed'));
    };
    this.worker.onerror = (e) => {
      for (const job of this.jobs.values()) job.reject(new Error(e.message || 'the hashing worker failed'));
      this.jobs.clear();
    };
  }
}

let pool: HashWorker[] | null = null;
let nextId = 0;

/**
 * The one hashing pass (whole-file SHA-256 and each part's CRC32) runs in web workers, off the page's
 * thread: a small pool started on first use and kept, each file going to the least busy worker. The
 * File is handed over, not copied (a File is a reference to its bytes); the worker reads and hashes
 * it, streaming above 128 MiB. Where there is no Worker (tests, the CLI), the pass runs in place.
 */
export const workerHasher: Hasher = (src, onProgress, signal) => {
  if (!src.blob || typeof Worker === 'undefined') return hashInPlace(src, onProgress, signal);
  pool ??= Array.from({ length: POOL_SIZE }, () => new HashWorker());
  const w = pool.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
  const id = nextId++;
  return new Promise<FileHashes>((resolve, reject) => {
    w.jobs.set(id, { onProgress, resolve, reject });
    signal?.addEventListener(
      'abort',
      () => {
        if (w.jobs.delete(id)) {
          w.worker.postMessage({ id, cancel: true });
          reject(new DOMException('hashing cancelled', 'AbortError'));
        }
      },
      { once: true },
    );
    w.worker.postMessage({ id, file: src.blob });
  });
};
