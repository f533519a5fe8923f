import { partLength, partLayout } from '../limits';
import type { TCompletedPart, UploadFileDto } from '../schemas';
import { partChecksum } from './hash-source';
import type { PutBytes } from './put-bytes';
import type { ResumeRecord } from './resume-store';
import type { FileProgress, UploadEngine } from './upload-engine';
import { ApiError, type UploadApi } from './upload-api';
import type { UploadSource } from './upload-source';

const MAX_ATTEMPTS = 5;

function isAbort(err: unknown): boolean {
  return (err as { name?: string } | null)?.name === 'AbortError';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface SendFileInput {
  engine: UploadEngine;
  api: UploadApi;
  putBytes: PutBytes;
  uploadId: string;
  file: UploadFileDto;
  source: UploadSource;
  progress: FileProgress;
  known: ResumeRecord['files'][string];
}

/**
 * Sends one declared file: one presigned PUT, or its missing parts (those the store — or, where the
 * store cannot list parts, this client's record — does not hold yet), each signed just before it
 * goes and retried with backoff; then asks the server to complete and check it.
 */
export async function sendFile(x: SendFileInput): Promise<UploadFileDto> {
  const { engine, api, file, source, progress } = x;
  const layout = partLayout(file.size);
  const inFlight = new Map<number, number>();
  const doneBytes = () => [...Object.keys(x.known.parts)].reduce((a, n) => a + partLength(file.size, layout, Number(n)), 0);
  const report = () => {
    progress.sent = Math.min(file.size, doneBytes() + [...inFlight.values()].reduce((a, b) => a + b, 0));
    engine.emit();
  };

  const sendOne = async (partNumber: number | null): Promise<void> => {
    const start = partNumber ? (partNumber - 1) * layout.partSize : 0;
    const end = partNumber ? start + partLength(file.size, layout, partNumber) : file.size;
    for (let attempt = 1; ; attempt++) {
      await engine.transferSlots.whileRunning();
      if (engine.isCancelled) throw new DOMException('cancelled', 'AbortError');
      const release = await engine.transferSlots.acquire();
      const controller = engine.track(new AbortController());
      const key = partNumber ?? 1;
      try {
        const body = await source.slice(start, end);
        const checksum = partNumber ? await partChecksum(body) : undefined;
        const signed = await api.sign(x.uploadId, file.id, partNumber ? { partNumber, partSha256: checksum } : undefined);
        const res = await x.putBytes({ url: signed.url, headers: signed.headers, body, signal: controller.signal, onProgress: (n) => (inFlight.set(key, n), report()) });
        if (res.status >= 200 && res.status < 300) {
          if (partNumber) {
            x.known.parts[partNumber] = { etag: res.etag ?? '', checksumSha256: checksum };
            engine.save();
          }
          progress.sentParts++;
          return;
        }
        // 4xx other than an expired/denied URL will not get better by retrying
        if (res.status >= 400 && res.status < 500 && res.status !== 403 && res.status !== 408 && res.status !== 429) {
          throw new ApiError(res.status, 'store_refused', `the store refused ${partNumber ? `part ${partNumber}` : 'the file'} (HTTP ${res.status})`);
        }
        if (attempt >= MAX_ATTEMPTS) throw new Error(`the store kept failing (HTTP ${res.status})`);
      } catch (err) {
        if (engine.isCancelled) throw err;
        // a pause aborts transfers: wait, then resend without counting the attempt
        if (isAbort(err) && engine.transferSlots.isPaused) {
          attempt--;
          continue;
        }
        if (err instanceof ApiError && err.status !== 503 && err.status !== 429) throw err;
        if (attempt >= MAX_ATTEMPTS) throw err;
      } finally {
        inFlight.delete(key);
        engine.untrack(controller);
        release();
        report();
      }
      await sleep(Math.min(8000, engine.retryDelayMs * 2 ** (attempt - 1)));
    }
  };

  if (!file.multipart) {
    await sendOne(null);
    return api.completeFile(x.uploadId, file.id);
  }

  const stored = await api.parts(x.uploadId, file.id);
  if (stored.supported) {
    // the store is the truth: parts it lists are kept, anything else recorded here is resent
    x.known.parts = Object.fromEntries(stored.parts.map((sp) => [sp.partNumber, { etag: sp.etag, checksumSha256: sp.checksumSha256 }]));
    engine.save();
  }
  progress.resumedParts = Object.keys(x.known.parts).length;
  report();
  const missing: number[] = [];
  for (let n = 1; n <= layout.partCount; n++) if (!x.known.parts[n]) missing.push(n);
  await Promise.all(missing.map((n) => sendOne(n)));
  progress.phase = 'completing';
  engine.emit();
  const parts: TCompletedPart[] = Object.entries(x.known.parts).map(([n, v]) => ({ partNumber: Number(n), etag: v.etag, ...(v.checksumSha256 ? { checksumSha256: v.checksumSha256 } : {}) }));
  return api.completeFile(x.uploadId, file.id, parts.sort((a, b) => a.partNumber - b.partNumber));
}
