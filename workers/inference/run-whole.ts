/** Runs the model once on the whole grid and returns its argmax labels. */
import * as ort from 'onnxruntime-node';
import type { LoadedModel } from './load-model';
import { argmaxLabels } from './argmax-labels';

export async function runWholeVolume(
  model: LoadedModel,
  input: Float32Array,
  dims: [number, number, number],
): Promise<{ labels: Uint8Array; runMs: number; argmaxMs: number }> {
  const { spec, session } = model;
  const [nx, ny, nz] = dims;
  // x is the fastest axis in memory, so it is the last tensor dim: [N, C, k, j, i]
  const tensor = new ort.Tensor('float32', input, [1, 1, nz, ny, nx]);
  const t0 = performance.now();
  const result = await session.run({ [spec.input.name]: tensor });
  const t1 = performance.now();
  const out = result[spec.output.name];
  const labels = argmaxLabels(out.data as Float32Array, spec.labels.length, nx * ny * nz);
  // free the native output buffer now instead of at GC: it is 3x the input
  out.dispose();
  return { labels, runMs: t1 - t0, argmaxMs: performance.now() - t1 };
}
