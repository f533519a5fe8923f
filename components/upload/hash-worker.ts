/// <reference lib="webworker" />
import { hashSource } from '@/lib/uploads/client/hash-source';
import { blobSource } from '@/lib/uploads/client/upload-source';

// Hashes one File off the main thread in one pass (whole-file SHA-256 and each part's CRC32); posts progress, then the hashes.
self.onmessage = async (e: MessageEvent<{ file: Blob }>) => {
  try {
    const src = blobSource(e.data.file, 'file');
    const hashes = await hashSource(src, (hashed) => self.postMessage({ hashed }));
    self.postMessage({ hashes });
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
};
