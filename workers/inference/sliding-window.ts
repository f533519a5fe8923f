/**
 * Sliding-window (patch) inference: patches of the spec's size with the given overlap, each run
 * separately, their logits blended with a Gaussian, linear (tent) or constant weight map and then
 * arg-maxed. Patches that stick out of the volume are zero-padded (the background after scaling).
 */
import * as ort from 'onnxruntime-node';
import type { TSlidingWindow } from '@/lib/models/model-spec';
import type { LoadedModel } from './load-model';
import { argmaxLabels } from './argmax-labels';

/** Start offsets along one axis: evenly stepped, the last patch flush with the far edge (as MONAI). */
export function patchStarts(size: number, patch: number, overlap: number): number[] {
  if (size <= patch) return [0];
  const stride = Math.max(1, Math.round(patch * (1 - overlap)));
  const starts: number[] = [];
  for (let s = 0; s + patch < size; s += stride) starts.push(s);
  starts.push(size - patch);
  return starts;
}

/** Separable 1-D weights; sigma = patch/8 as MONAI's default sigma_scale 0.125. Never zero. */
export function blendWeights1d(patch: number, blending: TSlidingWindow['blending']): Float32Array {
  const w = new Float32Array(patch);
  const centre = (patch - 1) / 2;
  const sigma = patch / 8;
  for (let i = 0; i < patch; i++) {
    const d = i - centre;
    if (blending === 'gaussian') w[i] = Math.max(Math.exp(-(d * d) / (2 * sigma * sigma)), 1e-3);
    else if (blending === 'linear') w[i] = 1 - Math.abs(d) / (centre + 1);
    else w[i] = 1;
  }
  return w;
}

export async function runSlidingWindow(
  model: LoadedModel,
  input: Float32Array,
  dims: [number, number, number],
  window: TSlidingWindow,
): Promise<{ labels: Uint8Array; runMs: number; argmaxMs: number; patches: number }> {
  const { spec, session } = model;
  const [nx, ny, nz] = dims;
  const [px, py, pz] = window.patch;
  const channels = spec.labels.length;
  const voxels = nx * ny * nz;
  const patchVoxels = px * py * pz;
  const sx = patchStarts(nx, px, window.overlap);
  const sy = patchStarts(ny, py, window.overlap);
  const sz = patchStarts(nz, pz, window.overlap);
  const [wx, wy, wz] = [blendWeights1d(px, window.blending), blendWeights1d(py, window.blending), blendWeights1d(pz, window.blending)];
  // Weighted sum of logits; dividing by the summed weights is skipped because it is a positive
  // per-voxel factor and does not change the argmax.
  const acc = new Float32Array(channels * voxels);
  const patchIn = new Float32Array(patchVoxels);
  let runMs = 0;
  let patches = 0;
  for (const z0 of sz)
    for (const y0 of sy)
      for (const x0 of sx) {
        patchIn.fill(0);
        const cx = Math.min(px, nx - x0);
        for (let z = 0; z < Math.min(pz, nz - z0); z++)
          for (let y = 0; y < Math.min(py, ny - y0); y++) {
            const src = x0 + nx * (y0 + y + ny * (z0 + z));
            patchIn.set(input.subarray(src, src + cx), px * (y + py * z));
          }
        const t0 = performance.now();
        const result = await session.run({ [spec.input.name]: new ort.Tensor('float32', patchIn, [1, 1, pz, py, px]) });
        runMs += performance.now() - t0;
        const out = result[spec.output.name];
        const logits = out.data as Float32Array;
        for (let c = 0; c < channels; c++) {
          const plane = c * patchVoxels;
          const accPlane = c * voxels;
          for (let z = 0; z < Math.min(pz, nz - z0); z++)
            for (let y = 0; y < Math.min(py, ny - y0); y++) {
              const wyz = wy[y] * wz[z];
              const src = plane + px * (y + py * z);
              const dst = accPlane + x0 + nx * (y0 + y + ny * (z0 + z));
              for (let x = 0; x < cx; x++) acc[dst + x] += logits[src + x] * wx[x] * wyz;
            }
        }
        out.dispose();
        patches++;
      }
  const t1 = performance.now();
  const labels = argmaxLabels(acc, channels, voxels);
  return { labels, runMs, argmaxMs: performance.now() - t1, patches };
}
