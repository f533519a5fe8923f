/**
 * Independent check of the worker's inference: the same model file run by onnxruntime-web's wasm
 * backend (a different build of the kernels), on input read by nifti-reader-js (not our reader)
 * and scaled here, with a plain argmax written here. The worker's labelmap must match it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import * as niftiReader from 'nifti-reader-js';
import { dirModelSource } from './model-source';
import { loadModel, releaseModels } from './load-model';
import { segmentVolume } from './segment-volume';
import { BRAIN_TISSUE_DIR, BRAIN_TISSUE_SHA256, dicePerLabel, readT1, T1_PATH } from './testing/fixtures';

type OrtWeb = typeof import('onnxruntime-web');

function readVoxelsIndependently(): Float32Array {
  const file = readFileSync(T1_PATH);
  let buf: ArrayBuffer = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength);
  if (niftiReader.isCompressed(buf)) buf = niftiReader.decompress(buf) as ArrayBuffer;
  const header = niftiReader.readHeader(buf)!;
  expect(header.datatypeCode).toBe(2); // uint8
  const raw = new Uint8Array(niftiReader.readImage(header, buf));
  let min = 255;
  let max = 0;
  for (const v of raw) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return Float32Array.from(raw, (v) => (v - min) / (max - min));
}

describe('brain-tissue agrees with onnxruntime-web (wasm) on t1_crop', () => {
  afterAll(releaseModels);

  it('gives the same argmax (Dice >= 0.999 per label)', async () => {
    // the package's "node" export: the wasm backend with its .wasm loaded from node_modules
    const ort = (await import(createRequire(import.meta.url).resolve('onnxruntime-web'))) as OrtWeb;
    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(readFileSync(`${BRAIN_TISSUE_DIR}/model.onnx`), { executionProviders: ['wasm'] });
    const input = readVoxelsIndependently();
    const out = await session.run({ input: new ort.Tensor('float32', input, [1, 1, 256, 256, 256]) });
    const logits = out.output.data as Float32Array;
    const n = input.length;
    const reference = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < 3; c++) if (logits[c * n + i] > logits[best * n + i]) best = c;
      reference[i] = best;
    }
    await session.release();

    const model = await loadModel({ source: dirModelSource(BRAIN_TISSUE_DIR), expectedSha256: BRAIN_TISSUE_SHA256, threads: 2 });
    const ours = await segmentVolume({ volume: readT1(), model });
    const dice = dicePerLabel(ours.labelmap.data, reference, [0, 1, 2]);
    let differing = 0;
    for (let i = 0; i < n; i++) if (ours.labelmap.data[i] !== reference[i]) differing++;
    console.info(`ort-web vs onnxruntime-node: ${differing} of ${n} voxels differ; Dice`, dice);
    expect(dice[1]).toBeGreaterThanOrEqual(0.999);
    expect(dice[2]).toBeGreaterThanOrEqual(0.999);
    // both tissues present in quantity: agreement on an empty mask would prove nothing
    expect(ours.labelVolumesMl['White Matter']).toBeGreaterThan(300);
  }, 300_000);
});
