import DataLoader from 'dataloader';
import pLimit from 'p-limit';
import { type AppErrorCode, STATUS } from '../../errors';
import { detectFileKind, notImagingMessage, SNIFF_BYTES } from '../detect-file-kind';
import { BATCH_WINDOW_MS, FILES_IN_FLIGHT, HASHES_IN_FLIGHT, MAX_BATCH_FILES, PARTS_IN_FLIGHT } from '../limits';
import type { SignedPart, UploadResult, UploadFileDto } from '../schemas';
import { hashInPlace, type FileHashes, type Hasher } from './hash-source';
import { fetchPut, type PutBytes } from './put-bytes';
import { memoryResumeStore, type ResumeRecord, type ResumeStore } from './resume-store';
import { sendFile } from './send-file';
import { Slots } from './slots';
import { ApiError, type UploadApi } from './upload-api';
import { fingerprint, type UploadSource } from './upload-source';

export type FilePhase = 'queued' | 'hashing' | 'uploading' | 'completing' | 'verified' | 'rejected' | 'cancelled' | 'failed';

export interface FileProgress {
  key: string;
  name: string;
  size: number;
  phase: FilePhase;
  hashed: number;
  sent: number;
  error: string | null;
  fileId: string | null;
  /** parts found already stored when this file resumed */
  resumedParts: number;
  /** parts sent by this run */
  sentParts: number;
}

export interface EngineSnapshot {
  files: FileProgress[];
  totalBytes: number;
  sentBytes: number;
  bytesPerSecond: number;
  etaSeconds: number | null;
  paused: boolean;
  running: boolean;
  uploadId: string | null;
  studyId: string | null;
  summary: UploadResult | null;
  error: string | null;
}

export interface EngineOptions {
  api: UploadApi;
  project: string;
  study?: string;
  store?: ResumeStore;
  /** where the resume record is kept; one per project by default */
  resumeKey?: string;
  putBytes?: PutBytes;
  hasher?: Hasher;
  partsInFlight?: number;
  filesInFlight?: number;
  /** first retry delay; doubles each attempt */
  retryDelayMs?: number;
}

/** what a client declares of a file before sending it */
type Declared = { name: string; size: number; sha256: string };

export interface FileJob {
  source: UploadSource;
  progress: FileProgress;
}

/**
 * The one upload engine of the browser and the CLI: hashes each file once (one pass gives the
 * whole-file SHA-256 the server checks and every part's CRC32 the store checks), declares it,
 * sends it straight to the store with presigned URLs (parts signed just in time, several in flight,
 * each retried), completes it, and keeps a resume record so a reload or a dropped connection
 * resends only what the store does not hold. Framework-free: React subscribes to snapshots.
 *
 * What is sent again after an interruption (S3 keeps no partial part: a part whose PUT did not
 * finish is lost whole, and a part the store acknowledged is never sent again):
 * - Network drop, page still open: the parts in flight (at most `partsInFlight`, engine-wide)
 *   are retried in place, each from its first byte, with backoff (0.4 s doubling to 8 s; up to 8
 *   attempts, about half a minute, for connection failures, 5 for store errors). A part keeps its
 *   slot while it waits, so no queued part starts during the drop. So at most `partsInFlight`
 *   parts are sent again per drop — exactly one with `partsInFlight: 1` — and nothing restarts.
 *   If the drop outlasts the retries the file fails, its other parts are stopped, the upload
 *   stays open and `run()` again (or a rerun of the CLI) resumes as after a reload.
 * - Reload, crash, or a rerun: the file is not hashed again (the record keeps its hashes); the
 *   store is asked which parts it holds (ListParts) and only the parts it does not list are sent.
 *   A store that cannot list parts falls back to this client's record of acknowledged parts, so a
 *   part acknowledged in the instant before the tab died may be sent once more.
 * - A single-PUT file (up to 16 MiB) is one request: it is sent again whole.
 */
export class UploadEngine {
  private jobs: FileJob[] = [];
  private listeners = new Set<() => void>();
  private snapshot: EngineSnapshot;
  private readonly slots: Slots;
  private readonly controllers = new Set<AbortController>();
  private cancelled = false;
  private readonly hashing = new Set<AbortController>();
  /** files read and hashed at a time: what bounds the memory a pass holds, whatever FILES_IN_FLIGHT is */
  private readonly hashSlots = pLimit(HASHES_IN_FLIGHT);
  private samples: { t: number; sent: number }[] = [];
  private rec: ResumeRecord | null = null;
  /** declarations and single-PUT completions of files in flight, sent in batches (one request per window) */
  private batches: {
    register: DataLoader<Declared, { file: UploadFileDto; signed: SignedPart | null }>;
    complete: DataLoader<string, UploadFileDto>;
  } | null = null;
  private readonly store: ResumeStore;
  readonly resumeKey: string;

  constructor(private readonly opts: EngineOptions) {
    this.slots = new Slots(opts.partsInFlight ?? PARTS_IN_FLIGHT);
    this.store = opts.store ?? memoryResumeStore();
    this.resumeKey = opts.resumeKey ?? `segflow.upload.${opts.project}`;
    this.snapshot = this.build({ running: false, summary: null, error: null });
  }

  /** a resumable upload left by an earlier run (reload, crash), if any */
  pending(): ResumeRecord | null {
    const rec = this.store.load(this.resumeKey);
    return rec && rec.project === this.opts.project ? rec : null;
  }

  add(sources: UploadSource[]): void {
    for (const source of sources) {
      this.jobs.push({
        source,
        progress: {
          key: `${this.jobs.length}:${fingerprint(source)}`,
          name: source.name,
          size: source.size,
          phase: 'queued',
          hashed: 0,
          sent: 0,
          error: null,
          fileId: null,
          resumedParts: 0,
          sentParts: 0,
        },
      });
    }
    this.emit();
  }

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getSnapshot = (): EngineSnapshot => this.snapshot;

  pause(): void {
    this.slots.setPaused(true);
    for (const c of this.controllers) c.abort();
    this.emit();
  }

  resume(): void {
    this.slots.setPaused(false);
    this.emit();
  }

  async cancel(): Promise<void> {
    this.cancelled = true;
    for (const c of this.controllers) c.abort();
    for (const c of this.hashing) c.abort();
    this.slots.setPaused(false);
    const uploadId = this.rec?.uploadId;
    for (const j of this.jobs) {
      if (['verified', 'rejected', 'failed'].includes(j.progress.phase)) continue;
      j.progress.phase = 'cancelled';
      if (uploadId && j.progress.fileId) await this.opts.api.abortFile(uploadId, j.progress.fileId).catch(() => {});
    }
    this.store.remove(this.resumeKey);
    this.emit();
  }

  /** Uploads every added file; resolves with the study summary (local rejections included). */
  async run(): Promise<UploadResult> {
    this.cancelled = false;
    this.snapshot = this.build({ running: true, summary: null, error: null });
    try {
      const server = await this.openUpload();
      this.batches = this.batchesFor(this.rec!.uploadId);
      const queue = [...this.jobs];
      const worker = async () => {
        for (let job = queue.shift(); job && !this.cancelled; job = queue.shift()) await this.runJob(job, server);
      };
      await Promise.all(Array.from({ length: this.opts.filesInFlight ?? FILES_IN_FLIGHT }, worker));
      if (this.cancelled) throw new DOMException('upload cancelled', 'AbortError');
      // a file that failed to send (network, store) stays resumable: the upload is not closed
      const failed = this.jobs.filter((j) => j.progress.phase === 'failed');
      if (failed.length)
        throw new Error(`${failed.length} file${failed.length > 1 ? 's' : ''} could not be sent (${failed[0].progress.error}); run again to resume`);
      const summary = await this.opts.api.finish(this.rec!.uploadId);
      const local = this.jobs.filter((j) => j.progress.phase === 'rejected' && !summary.rejected.some((r) => r.file === j.progress.name));
      summary.rejected.push(...local.map((j) => ({ file: j.progress.name, reason: j.progress.error ?? 'rejected' })));
      this.store.remove(this.resumeKey);
      this.snapshot = this.build({ running: false, summary, error: null });
      this.emit(false);
      return summary;
    } catch (err) {
      this.snapshot = this.build({ running: false, summary: null, error: err instanceof Error ? err.message : String(err) });
      this.emit(false);
      throw err;
    }
  }

  /**
   * Batches of one upload: what the files in flight declare, or complete, goes as one request (up to
   * MAX_BATCH_FILES); each file still gets its own answer, and its own error. One batch request is in
   * flight at a time (the server serialises an upload's declarations and completions on its study
   * anyway): what arrives meanwhile waits and goes together in the next one, BATCH_WINDOW_MS after.
   */
  private batchesFor(uploadId: string): NonNullable<UploadEngine['batches']> {
    const one = pLimit(1);
    let quiet: Promise<unknown> = Promise.resolve();
    const serial = <T>(call: () => Promise<T>): Promise<T> => {
      const p = one(call);
      quiet = p.catch(() => undefined);
      return p;
    };
    const options = {
      cache: false,
      maxBatchSize: MAX_BATCH_FILES,
      batchScheduleFn: (send: () => void) => void quiet.then(() => setTimeout(send, BATCH_WINDOW_MS)),
    };
    return {
      register: new DataLoader((files: readonly Declared[]) => serial(() => this.opts.api.registerFiles(uploadId, files)), options),
      complete: new DataLoader<string, UploadFileDto>(async (ids) => {
        const byId = new Map((await serial(() => this.opts.api.completeFiles(uploadId, ids))).map((r) => [r.id, r]));
        return ids.map((id) => {
          const r = byId.get(id);
          if (!r) return new ApiError(500, 'http_error', `the server did not answer file ${id}`);
          return 'file' in r ? r.file : new ApiError(STATUS[r.error.code as AppErrorCode] ?? 500, r.error.code, r.error.message);
        });
      }, options),
    };
  }

  /** Checks and indexes one single-PUT file on the server (with the other files completing now). */
  completeSingle(fileId: string): Promise<UploadFileDto> {
    return this.batches!.complete.load(fileId);
  }

  /** Reuses the recorded upload when it is still open, otherwise opens a new one. */
  private async openUpload(): Promise<Map<string, UploadFileDto>> {
    const { api, project, study } = this.opts;
    const rec = this.pending();
    if (rec && (!study || rec.studyId === study)) {
      try {
        const up = await api.getUpload(rec.uploadId);
        if (up.status === 'open') {
          this.rec = rec;
          return new Map(up.files.map((f) => [f.id, f]));
        }
      } catch {
        // gone or not ours any more: start fresh
      }
    }
    const up = await api.createUpload(project, study);
    this.rec = { uploadId: up.id, studyId: up.studyId, project, files: {} };
    this.save();
    return new Map();
  }

  private async runJob(job: FileJob, server: Map<string, UploadFileDto>): Promise<void> {
    const p = job.progress;
    const src = job.source;
    const reject = (reason: string) => {
      p.phase = 'rejected';
      p.error = reason;
      this.emit();
    };
    try {
      if (src.size === 0) return reject(`${src.name}: the file is empty`);
      const kind = detectFileKind(await src.slice(0, Math.min(src.size, SNIFF_BYTES)), src.name);
      if (kind === 'unknown' || kind === 'zip')
        return reject(kind === 'zip' ? `${src.name}: a .zip inside a .zip is not expanded` : notImagingMessage(src.name));
      const fp = fingerprint(src);
      let known = this.rec!.files[fp];
      let dto = known ? server.get(known.fileId) : undefined;
      // a single-PUT file's URL, signed with its registration (none when resuming: signed when sent)
      let signed: SignedPart | null = null;
      if (!dto || dto.status === 'aborted') {
        p.phase = 'hashing';
        this.emit();
        // Hashing is local work: Pause holds the network, not this; only Cancel stops it.
        const controller = new AbortController();
        this.hashing.add(controller);
        const hashes: FileHashes = known
          ? { sha256: known.sha256, parts: known.partCrc32 }
          : await this.hashSlots(() =>
              (this.opts.hasher ?? hashInPlace)(
                src,
                (n) => {
                  p.hashed = n;
                  this.emit();
                },
                controller.signal,
              ),
            ).finally(() => this.hashing.delete(controller));
        ({ file: dto, signed } = await this.batches!.register.load({ name: src.name, size: src.size, sha256: hashes.sha256 }));
        known = { fileId: dto.id, sha256: hashes.sha256, ...(hashes.parts ? { partCrc32: hashes.parts } : {}), parts: {} };
        this.rec!.files[fp] = known;
        this.save();
      }
      p.hashed = src.size;
      p.fileId = dto.id;
      if (dto.status === 'verified') {
        p.phase = 'verified';
        p.sent = src.size;
        return this.emit();
      }
      if (dto.status === 'rejected') return reject(dto.error ?? `${src.name}: rejected`);
      p.phase = 'uploading';
      this.emit();
      const done = await sendFile({
        engine: this,
        api: this.opts.api,
        putBytes: this.opts.putBytes ?? fetchPut,
        uploadId: this.rec!.uploadId,
        file: dto,
        signed,
        source: src,
        progress: p,
        known,
      });
      p.phase = done.status === 'verified' ? 'verified' : 'rejected';
      p.error = done.error;
      p.sent = src.size;
      this.emit();
    } catch (err) {
      if (this.cancelled) return;
      p.phase = 'failed';
      p.error = `${src.name}: ${err instanceof Error ? err.message : String(err)}`;
      this.emit();
    }
  }

  // ---- used by sendFile ----
  get transferSlots(): Slots {
    return this.slots;
  }
  get retryDelayMs(): number {
    return this.opts.retryDelayMs ?? 400;
  }
  get isCancelled(): boolean {
    return this.cancelled;
  }
  track(c: AbortController): AbortController {
    this.controllers.add(c);
    return c;
  }
  untrack(c: AbortController): void {
    this.controllers.delete(c);
  }
  save(): void {
    if (this.rec) this.store.save(this.resumeKey, this.rec);
  }

  emit(keepRunning = true): void {
    if (keepRunning) this.snapshot = this.build({ running: this.snapshot.running, summary: this.snapshot.summary, error: this.snapshot.error });
    for (const l of this.listeners) l();
  }

  private build(s: Pick<EngineSnapshot, 'running' | 'summary' | 'error'>): EngineSnapshot {
    const files = this.jobs.map((j) => ({ ...j.progress }));
    const totalBytes = files.reduce((a, f) => a + f.size, 0);
    const sentBytes = files.reduce((a, f) => a + f.sent, 0);
    const now = Date.now();
    this.samples.push({ t: now, sent: sentBytes });
    while (this.samples.length > 2 && now - this.samples[0].t > 5000) this.samples.shift();
    const first = this.samples[0];
    const dt = (now - first.t) / 1000;
    const bytesPerSecond = dt > 0.2 ? Math.max(0, (sentBytes - first.sent) / dt) : 0;
    const etaSeconds = bytesPerSecond > 0 ? (totalBytes - sentBytes) / bytesPerSecond : null;
    return {
      files,
      totalBytes,
      sentBytes,
      bytesPerSecond,
      etaSeconds,
      paused: this.slots.isPaused,
      ...s,
      uploadId: this.rec?.uploadId ?? null,
      studyId: this.rec?.studyId ?? null,
    };
  }
}
