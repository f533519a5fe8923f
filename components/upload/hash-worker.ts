/// <reference lib="webworker" />
import { hashSource } from '@/lib/uploads/client/hash-source';
import { blobSource } from '@/lib/uploads/client/upload-source';

// Hashes one File off the main thread; posts progress, then the hex digest.
self.onmessage = async (e: MessageEvent<{ file: Blob }>) => {
  try {
    const src = blobSource(e.data.file, 'file');
    const sha256 = await hashSource(src, (hashed) => self.postMessage({ hashed }));
    self.postMessage({ sha256 });
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
};
