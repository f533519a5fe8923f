/**
 * `npm run bench infer-step`: the pipeline's infer step as the local executor runs it — invocation
 * to a step worker, the volume and the model read from the store, inference, mask/volumes written
 * back to the store, result returned — on t1_crop, against a bare session.run of the same model,
 * threads and prepared tensor in this process, in alternating rounds. Two ways of running the step:
 * warm step workers (the default; lib/executor/local/step-worker-pool.ts) and a new `segflow step`
 * process per step (SEGFLOW_STEP_WORKERS=process). Goal: the warm step ≤ 1.25× bare session.run.
 * Needs no database (the step reads and writes the store only); starts its own embedded store.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ensureCliBuild } from '../bin/build-cli.mjs';
import type { TStepInvocation } from '../lib/pipeline/step-contract';
import { startBenchStore } from './bench-store';
import type { BenchLine } from './harness';
import { loadNote } from './process-time';

export const onlyWhenNamed = true;

const root = new URL('../', import.meta.url).pathname;
const T1 = join(root, 'fixtures/nifti/brainchop-t1/t1_crop.nii.gz');
const MODEL_DIR = join(root, 'models/brain-tissue');
const ROUNDS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export async function run(): Promise<BenchLine[]> {
  await ensureCliBuild();
  // before anything reads the configuration; the step processes inherit it
  const { work, s3 } = await startBenchStore({ prefix: 'step' });
  const { putObject } = await import('../lib/storage/objects');
  const { StepWorkerPool } = await import('../lib/executor/local/step-worker-pool');
  const { spawnStep } = await import('../lib/executor/local/spawn-step');
  const { loadModel, releaseModels } = await import('../workers/inference/load-model');
  const { dirModelSource } = await import('../workers/inference/model-source');
  const { readNiftiBytes } = await import('../workers/inference/read-input');
  const { scaleIntensity } = await import('../workers/inference/scale-intensity');

  const onnx = new Uint8Array(readFileSync(join(MODEL_DIR, 'model.onnx')));
  const spec = JSON.parse(readFileSync(join(MODEL_DIR, 'spec.json'), 'utf8')) as Record<string, unknown>;
  const t1 = new Uint8Array(readFileSync(T1));
  const volume = t1; // already gzipped NIfTI, as the convert step writes it
  const ids = {
    id: '00000000-0000-4000-8000-0000000000b1',
    projectId: '00000000-0000-4000-8000-0000000000b2',
    studyId: '00000000-0000-4000-8000-0000000000b3',
  };
  const modelPut = await putObject({ key: 'models/brain-tissue/1.0.0/model.onnx', body: onnx });
  const volumePut = await putObject({ key: `derived/${ids.projectId}/${ids.studyId}/runs/${ids.id}/convert/volume.nii.gz`, body: volume });
  const invocation = {
    task: 'infer-serving',
    step: 'infer',
    run: ids,
    kind: 'nifti',
    inputs: [],
    upstream: { convert: [{ name: 'volume.nii.gz', key: volumePut.key, versionId: volumePut.versionId, sha256: sha(volume), size: volume.length }] },
    model: { role: 'live', model: 'brain-tissue', version: '1.0.0', sha256: sha(onnx), artifactKey: modelPut.key, spec },
    params: {},
  } as unknown as TStepInvocation;

  const model = await loadModel({ source: dirModelSource(MODEL_DIR), expectedSha256: null });
  const tensor = new ort.Tensor('float32', scaleIntensity(readNiftiBytes(t1, 't1_crop.nii.gz').data, model.spec.intensity), [1, 1, 256, 256, 256]);
  const bare = async () => (await model.session.run({ input: tensor })).output.dispose();
  const pool = new StepWorkerPool({ maxSteps: 1000, maxRssBytes: 64 * 1024 ** 3, maxIdle: 1 });
  const ctx = { env: {}, timeoutMs: 600_000 };
  const timed = async (fn: () => Promise<unknown>) => {
    const t = performance.now();
    await fn();
    return performance.now() - t;
  };
  try {
    await bare(); // warm-up: the arena grows to its peak on the first run
    await pool.run(invocation, ctx); // the worker's first step loads its session, as a new worker's would once
    const bareMs: number[] = [];
    const warmMs: number[] = [];
    const processMs: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      bareMs.push(await timed(bare));
      warmMs.push(await timed(() => pool.run(invocation, ctx)));
      processMs.push(await timed(() => spawnStep(invocation, ctx)));
    }
    const b = median(bareMs);
    const r = (xs: number[]) => xs.map(Math.round).join('/');
    process.stderr.write(`infer-step bench: bare=${r(bareMs)} warm=${r(warmMs)} process=${r(processMs)} ms; threads=${model.threads}; ${loadNote()}\n`);
    return [
      {
        name: 'infer step as executed, warm step worker (store in → inference → mask, volumes to the store)',
        value: median(warmMs),
        unit: 'ms',
        ratios: [{ against: 'bare session.run, same model/threads/tensor, alternating rounds', ratio: median(warmMs) / b, target: '<= 1.25x' }],
      },
      {
        name: 'infer step as executed, a new process per step (SEGFLOW_STEP_WORKERS=process)',
        value: median(processMs),
        unit: 'ms',
        ratios: [
          { against: 'bare session.run', ratio: median(processMs) / b },
          { against: 'the warm step worker', ratio: median(processMs) / median(warmMs) },
        ],
      },
    ];
  } finally {
    pool.close();
    await releaseModels();
    await s3.close();
    rmSync(work, { recursive: true, force: true });
  }
}
