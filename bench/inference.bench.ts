/**
 * Inference overhead: the worker's end-to-end path on t1_crop (read NIfTI → conform → scale →
 * session.run → argmax → labelmap back → NIfTI written to a temp dir) against a bare session.run
 * on the same prepared tensor, same session, same run. NIfTI input, so no DICOM SEG is written
 * (a SEG needs DICOM source instances). CPU provider. Target: end-to-end within 1.25x of bare,
 * quoted as the measured ratio of medians only. The step as the executor runs it (store in, warm
 * step worker or a process per step, store out) is `npm run bench infer-step`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { dirModelSource } from '../workers/inference/model-source';
import { readNiftiBytes } from '../workers/inference/read-input';
import { loadModel, releaseModels } from '../workers/inference/load-model';
import { scaleIntensity } from '../workers/inference/scale-intensity';
import { segmentVolume } from '../workers/inference/segment-volume';
import { encodeOutputs } from '../workers/inference/write-outputs';
import type { BenchLine } from './harness';
import { loadNote } from './process-time';

const root = new URL('../', import.meta.url).pathname;
const T1 = join(root, 'fixtures/nifti/brainchop-t1/t1_crop.nii.gz');
const ROUNDS = 3;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run(): Promise<BenchLine[]> {
  const threads = Number(process.env.SEGFLOW_BENCH_THREADS ?? 0) || undefined;
  const model = await loadModel({ source: dirModelSource(join(root, 'models/brain-tissue')), expectedSha256: null, threads });
  const dir = mkdtempSync(join(tmpdir(), 'segflow-bench-'));
  const prepared = scaleIntensity(readNiftiBytes(new Uint8Array(readFileSync(T1)), 't1_crop.nii.gz').data, model.spec.intensity);
  const tensor = new ort.Tensor('float32', prepared, [1, 1, 256, 256, 256]);

  const bare = async () => {
    const out = await model.session.run({ input: tensor });
    out.output.dispose();
  };
  const endToEnd = async () => {
    const volume = readNiftiBytes(new Uint8Array(readFileSync(T1)), 't1_crop.nii.gz');
    const result = await segmentVolume({ volume, model });
    const encoded = encodeOutputs(result);
    writeFileSync(join(dir, 'mask.nii.gz'), encoded.mask);
    return result.timings;
  };

  try {
    await bare(); // warm-up: the arena grows to its peak on the first run
    await endToEnd();
    // Alternating rounds: load from other processes on a shared machine hits both sides alike.
    const bareMs: number[] = [];
    const e2eMs: number[] = [];
    const overheadMs: number[] = [];
    let last: Awaited<ReturnType<typeof endToEnd>> | undefined;
    for (let i = 0; i < ROUNDS; i++) {
      let t = performance.now();
      await bare();
      bareMs.push(performance.now() - t);
      t = performance.now();
      last = await endToEnd();
      e2eMs.push(performance.now() - t);
      // everything but session.run inside the same end-to-end pass: the part the worker owns
      overheadMs.push(e2eMs[i] - last.runMs);
    }
    const e2e = median(e2eMs);
    const b = median(bareMs);
    const round = (xs: number[]) => xs.map(Math.round).join('/');
    process.stderr.write(
      `inference bench: threads=${model.threads} provider=${model.provider} bare=${round(bareMs)} e2e=${round(e2eMs)} pre/post=${round(overheadMs)} ms; ${loadNote()}; ` +
        `last breakdown=${JSON.stringify(last, (_k, v) => (typeof v === 'number' ? Math.round(v) : v))}\n`,
    );
    return [
      {
        name: `inference t1_crop end-to-end (${model.provider}, ${model.threads} threads; NIfTI in → NIfTI mask out, no SEG for NIfTI input)`,
        value: e2e,
        unit: 'ms',
        // the measured end-to-end ratio only: a ratio built from bare + the pre/post measured inside
        // the pass hid a 1.56x as 1.10x (session.run is slower inside the pass than alone)
        ratios: [{ against: 'bare session.run, medians of alternating rounds', ratio: e2e / b, target: '<= 1.25x' }],
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await releaseModels();
  }
}
