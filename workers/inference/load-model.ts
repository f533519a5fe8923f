/**
 * Loads a model version for inference: reads it from a ModelSource, checks its SHA-256 against the
 * registry's record and keeps one onnxruntime session per model version.
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type * as ort from 'onnxruntime-node';
import { AppError } from '@/lib/errors';
import type { TModelSpec } from '@/lib/models/model-spec';
import { relaxSpatialDims } from '@/lib/models/onnx-proto';
import type { ModelSource } from './model-source';
import { createSessionOnBestProvider, type ExecutionProvider } from './select-provider';
import { logger } from '@/lib/log/logger';

export interface LoadedModel {
  sha256: string;
  spec: TModelSpec;
  session: ort.InferenceSession;
  provider: ExecutionProvider;
  /** why CUDA was not used (for the run manifest and logs) */
  providerReason?: string;
  threads: number;
  describe: string;
}

export interface LoadModelOptions {
  source: ModelSource;
  /** the hash the registry recorded for this version; null only for a local directory (CLI) */
  expectedSha256: string | null;
  /** intra-op threads; default: every core, since one inference uses the whole worker */
  threads?: number;
  allowCuda?: boolean;
  log?: (line: Record<string, unknown>) => void;
}

/**
 * One session per model version, keyed by content hash (+ threads and provider choice, which are
 * fixed when a session is made). Memory: the session itself is small (brain-tissue: 25 KB of
 * weights, process RSS 135 → 151 MB on creation), but onnxruntime's CPU arena keeps the peak
 * activation memory of the largest input run so far: measured RSS 151 MB → 1.34 GB after the
 * first 256³ run (input 64 MB, output 192 MB, 5-channel 320 MB intermediates, arena slack).
 * Live + shadow models on one worker therefore need ~3 GB; call releaseModels() between jobs
 * that do not share models.
 */
const sessions = new Map<string, Promise<LoadedModel>>();

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function defaultLog(line: Record<string, unknown>): void {
  logger('inference').info(line, 'model');
}

export async function loadModel(opts: LoadModelOptions): Promise<LoadedModel> {
  const [bytes, spec] = await Promise.all([opts.source.readModel(), opts.source.readSpec()]);
  const sha256 = sha256Hex(bytes);
  if (opts.expectedSha256 !== null && sha256 !== opts.expectedSha256.toLowerCase()) {
    throw new AppError('checksum_mismatch', `${opts.source.describe}: model.onnx SHA-256 is ${sha256}, the registry recorded ${opts.expectedSha256}`, {
      file: `${opts.source.describe}/model.onnx`,
      expected: opts.expectedSha256,
      actual: sha256,
    });
  }
  const threads = opts.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) throw new AppError('invalid_input', `threads: must be a positive integer, got ${threads}`);
  const key = `${sha256}|${threads}|${opts.allowCuda !== false}|${spec.fullyConvolutional}`;
  let pending = sessions.get(key);
  if (!pending) {
    pending = (async () => {
      // Fully convolutional models get symbolic spatial dims so the same session runs patches.
      const runnable = spec.fullyConvolutional ? relaxSpatialDims(bytes, `${opts.source.describe}/model.onnx`) : bytes;
      const made = await createSessionOnBestProvider(runnable, { threads, allowCuda: opts.allowCuda });
      (opts.log ?? defaultLog)({
        event: 'inference.session',
        model: `${spec.name}@${spec.version}`,
        sha256,
        provider: made.provider,
        ...(made.reason ? { reason: made.reason } : {}),
        threads,
      });
      return { sha256, spec, session: made.session, provider: made.provider, providerReason: made.reason, threads, describe: opts.source.describe };
    })();
    sessions.set(key, pending);
    // a failed load must not poison the cache for the next attempt
    pending.catch(() => sessions.delete(key));
  }
  const loaded = await pending;
  // The cache is by content; the spec that came with this source is the one to apply.
  return { ...loaded, spec };
}

export async function releaseModels(): Promise<void> {
  const all = [...sessions.values()];
  sessions.clear();
  for (const p of all) {
    const m = await p.catch(() => null);
    await m?.session.release();
  }
}
