/**
 * `segflow infer`: the pipeline's inference step on local files, without the app. Same code path
 * as the worker (loadModel → segmentVolume → encodeOutputs). Logs go to stderr; the last stdout
 * line is the timings JSON, so scripts can `tail -1`.
 */
import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { AppError } from '@/lib/errors';

interface InferOptions {
  model: string;
  input: string;
  out: string;
  seg?: string;
  threads?: string;
}

function parseThreads(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new AppError('invalid_input', `--threads: expected a positive integer, got "${value}"`);
  return n;
}

async function runInfer(opts: InferOptions): Promise<void> {
  const started = performance.now();
  const isDir = existsSync(opts.model) && statSync(opts.model).isDirectory();
  const isRef = /^[A-Za-z0-9][\w.-]*@[\w.+-]+$/.test(opts.model);
  if (!isDir && !isRef) throw new AppError('not_found', `--model ${opts.model}: not a directory with model.onnx and spec.json, nor name@version`);
  const { apiConnection } = await import('@/lib/platform/api-client');
  const { writeFileAtomic } = await import('@/lib/util/write-file-atomic');
  const { fetchRegistryModel } = await import('@/workers/inference/api-model-source');
  const { dirModelSource } = await import('@/workers/inference/model-source');
  const { loadModel } = await import('@/workers/inference/load-model');
  const { readInputVolume } = await import('@/workers/inference/read-input');
  const { segmentVolume } = await import('@/workers/inference/segment-volume');
  const { encodeOutputs } = await import('@/workers/inference/write-outputs');
  let t = performance.now();
  const input = await readInputVolume(opts.input);
  const readMs = performance.now() - t;
  if (opts.seg && input.kind !== 'dicom') throw new AppError('invalid_input', `--seg: ${opts.input} is NIfTI; a DICOM SEG needs a DICOM series as input`);

  t = performance.now();
  // A local directory has no registry record to check the hash against (the hash is reported);
  // a registered version is checked against the SHA-256 the registry recorded.
  const registry = isDir ? null : await fetchRegistryModel({ ref: opts.model, ...apiConnection('researcher') });
  const model = await loadModel({
    source: registry?.source ?? dirModelSource(opts.model),
    expectedSha256: registry?.sha256 ?? null,
    threads: parseThreads(opts.threads),
  });
  const loadMs = performance.now() - t;

  const result = await segmentVolume({ volume: input.volume, model, source: input.source });
  t = performance.now();
  const encoded = encodeOutputs(result);
  await writeFileAtomic(opts.out, encoded.mask);
  if (opts.seg) {
    if (!encoded.seg) throw new AppError('unavailable', `--seg ${opts.seg}: ${encoded.segSkipped}`);
    await writeFileAtomic(opts.seg, encoded.seg);
  }
  const writeMs = performance.now() - t;
  const round = (ms: number) => Math.round(ms * 10) / 10;
  const timings = Object.fromEntries(
    Object.entries({ readMs, loadMs, ...result.timings, writeMs, wallMs: performance.now() - started }).map(([k, v]) => [k, round(v)]),
  );
  process.stdout.write(
    `${JSON.stringify({
      model: result.model,
      provider: result.provider,
      threads: model.threads,
      input: { kind: input.kind, dims: input.volume.dims },
      out: opts.out,
      ...(opts.seg ? { seg: opts.seg } : {}),
      labelVolumesMl: result.labelVolumesMl,
      timings,
    })}\n`,
  );
}

export function register(program: Command): void {
  program
    .command('infer')
    .description('segment a NIfTI volume or a DICOM series directory with a model directory (model.onnx + spec.json)')
    .requiredOption(
      '--model <dir|name@version>',
      'model directory (e.g. models/brain-tissue), or name@version from the registry through the app (SEGFLOW_URL, SEGFLOW_TOKEN)',
    )
    .requiredOption('--input <path>', '.nii / .nii.gz file or a directory holding one DICOM series')
    .requiredOption('--out <mask.nii.gz>', 'where to write the labelmap (on the input grid)')
    .option('--seg <out.dcm>', 'also write a DICOM SEG (DICOM input only)')
    .option('--threads <n>', 'intra-op threads (default: all cores)')
    .action(runInfer);
}
