import { partLength, partLayout } from '../limits';
import type { SignedPart, TCompletedPart, UploadFileDto } from '../schemas';
import { partChecksum } from './hash-source';
import type { PutBytes } from './put-bytes';
import type { ResumeRecord } from './resume-store';
import type { FileProgress, UploadEngine } from './upload-engine';
import { ApiError, type UploadApi } from './upload-api';
import type { UploadSource } from './upload-source';

/** attempts per part when the store answers an error (5xx, expired URL, throttling) */
const MAX_ATTEMPTS = 5;
/** attempts per part when the connection itself fails: with the backoff (capped at 8 s) about half a minute */
const MAX_NETWORK_ATTEMPTS = 8;

function isAbort(err: unknown): boolean {
  return (err as { name?: string } | null)?.name === 'AbortError';
}

/** fetch and XMLHttpRequest both fail with a TypeError when no answer arrives (connection refused, reset, offline) */
function isNetworkError(err: unknown): boolean {
  return err instanceof TypeError;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface SendFileInput {
  engine: UploadEngine;
  api: UploadApi;
  putBytes: PutBytes;
  uploadId: string;
  file: UploadFileDto;
  /** a single PUT's URL signed with the file's registration: used for the first attempt, while it is valid */
  signed?: SignedPart | null;
  source: UploadSource;
  progress: FileProgress;
  known: ResumeRecord['files'][string];
}

/**
 * Sends one declared file: one presigned PUT, or its missing parts (those the store — or, where the
 * store cannot list parts, this client's record — does not hold yet), each signed just before it
 * goes and retried in place with backoff; then asks the server to complete and check it. See the
 * resend guarantee in upload-engine.ts.
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
  // set when one part fails for good: the file's other parts stop (in flight ones are aborted)
  let failed: unknown = null;
  const fileControllers = new Set<AbortController>();

  /** the bytes to send: a Blob slice where the source has one (no copy into the page), else read */
  const body = (start: number, end: number): Promise<Uint8Array | Blob> =>
    source.blob ? Promise.resolve(source.blob.slice(start, end)) : source.slice(start, end);

  // the registration's URL, unless it expires within a minute (a file queued behind a long upload)
  const presigned = !file.multipart && x.signed && Date.parse(x.signed.expiresAt) - Date.now() > 60_000 ? x.signed : null;

  const sendOne = async (partNumber: number | null): Promise<void> => {
    const start = partNumber ? (partNumber - 1) * layout.partSize : 0;
    const end = partNumber ? start + partLength(file.size, layout, partNumber) : file.size;
    const key = partNumber ?? 1;
    // The slot is held from the first attempt to the last, backoff included: when the connection
    // drops, the parts that were in flight retry where they are and no queued part starts meanwhile.
    const release = await engine.transferSlots.acquire();
    try {
      for (let attempt = 1; ; attempt++) {
        await engine.transferSlots.whileRunning();
        if (engine.isCancelled) throw new DOMException('cancelled', 'AbortError');
        if (failed) throw new DOMException('another part failed', 'AbortError');
        const controller = engine.track(new AbortController());
        fileControllers.add(controller);
        try {
          let checksum = partNumber ? x.known.partCrc32?.[partNumber - 1] : undefined;
          if (partNumber && !checksum) checksum = await partChecksum(await source.slice(start, end));
          const signed =
            presigned && attempt === 1 ? presigned : await api.sign(x.uploadId, file.id, partNumber ? { partNumber, partCrc32: checksum } : undefined);
          const res = await x.putBytes({
            url: signed.url,
            headers: signed.headers,
            body: await body(start, end),
            signal: controller.signal,
            onProgress: (n) => {
              inFlight.set(key, n);
              report();
            },
          });
          if (res.status >= 200 && res.status < 300) {
            if (partNumber) {
              x.known.parts[partNumber] = { etag: res.etag ?? '', checksumCrc32: checksum };
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
          if (engine.isCancelled || failed) throw err;
          // a pause aborts transfers: wait, then resend without counting the attempt
          if (isAbort(err) && engine.transferSlots.isPaused) {
            attempt--;
            continue;
          }
          if (err instanceof ApiError && err.status !== 503 && err.status !== 429) throw err;
          if (attempt >= (isNetworkError(err) ? MAX_NETWORK_ATTEMPTS : MAX_ATTEMPTS)) throw err;
        } finally {
          inFlight.delete(key);
          fileControllers.delete(controller);
          engine.untrack(controller);
          report();
        }
        await sleep(Math.min(8000, engine.retryDelayMs * 2 ** (attempt - 1)));
      }
    } catch (err) {
      if (!failed && !isAbort(err)) {
        failed = err;
        for (const c of fileControllers) c.abort();
      }
      throw err;
    } finally {
      release();
    }
  };

  /** every part settles before the file fails: nothing is left sending once sendFile returns */
  const sendAll = async (numbers: (number | null)[]): Promise<void> => {
    const results = await Promise.allSettled(numbers.map((n) => sendOne(n)));
    if (failed) throw failed;
    const rejected = results.find((r) => r.status === 'rejected');
    if (rejected) throw (rejected as PromiseRejectedResult).reason;
  };

  if (!file.multipart) {
    await sendAll([null]);
    return engine.completeSingle(file.id);
  }

  const stored = await api.parts(x.uploadId, file.id);
  if (stored.supported) {
    // the store is the truth: parts it lists are kept, anything else recorded here is resent
    x.known.parts = Object.fromEntries(stored.parts.map((sp) => [sp.partNumber, { etag: sp.etag, checksumCrc32: sp.checksumCrc32 }]));
    engine.save();
  }
  progress.resumedParts = Object.keys(x.known.parts).length;
  report();
  const missing: number[] = [];
  for (let n = 1; n <= layout.partCount; n++) if (!x.known.parts[n]) missing.push(n);
  await sendAll(missing);
  progress.phase = 'completing';
  engine.emit();
  const parts: TCompletedPart[] = Object.entries(x.known.parts).map(([n, v]) => ({
    partNumber: Number(n),
    etag: v.etag,
    ...(v.checksumCrc32 ? { checksumCrc32: v.checksumCrc32 } : {}),
  }));
  return api.completeFile(
    x.uploadId,
    file.id,
    parts.sort((a, b) => a.partNumber - b.partNumber),
  );
}
