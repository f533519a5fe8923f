/// <reference lib="webworker" />
import { hashSource } from '@/lib/uploads/client/hash-source';
import { blobSource } from '@/lib/uploads/client/upload-source';

// Hashes Files off the page's thread, one pass each (whole-file SHA-256 and each part's CRC32),
// posting progress and then the hashes under the job's id. A cancelled job stops at its next chunk.
const cancelled = new Map<number, AbortController>();

self.onmessage = async (e: MessageEvent<{ id: number; file?: Blob; cancel?: boolean }>) => {
  const { id } = e.data;
  if (e.data.cancel) return cancelled.get(id)?.abort();
  const controller = new AbortController();
  cancelled.set(id, controller);
  try {
    const src = blobSource(e.data.file!, 'file');
    const hashes = await hashSource(src, (hashed) => self.postMessage({ id, hashed }), controller.signal);
    self.postMessage({ id, hashes });
  } catch (err) {
    self.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  } finally {
    cancelled.delete(id);
  }
};
