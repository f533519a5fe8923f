/**
 * Intensity scaling of the model input, one pass (two for percentiles / z-score) over a typed
 * array into a new Float32Array: the tensor onnxruntime reads directly.
 */
import type { VoxelArray } from '@/lib/imaging/volume';
import type { TModelSpec } from '@/lib/models/model-spec';

export function scaleIntensity(data: VoxelArray, method: TModelSpec['intensity']): Float32Array {
  switch (method.method) {
    case 'min-max': {
      const { min, max } = minMax(data);
      return affineScale(data, min, max, { min, max });
    }
    case 'percentile-clip': {
      const [lo, hi] = percentiles(data, [method.lower, method.upper]);
      return affineScale(data, lo, hi, minMax(data));
    }
    case 'z-score':
      return zScore(data, method.nonZeroOnly);
  }
}

function isSmallInteger(data: VoxelArray): boolean {
  return data instanceof Uint8Array || data instanceof Int8Array || data instanceof Uint16Array || data instanceof Int16Array;
}

function minMax(data: VoxelArray): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/** clamp to [lo, hi] then map to [0, 1]; a constant image becomes all zeros rather than NaN */
function affineScale(data: VoxelArray, lo: number, hi: number, { min, max }: { min: number; max: number }): Float32Array {
  const out = new Float32Array(data.length);
  const offset = lo;
  const range = hi - lo;
  if (!(range > 0)) return out;
  if (isSmallInteger(data) && max - min < 65536) {
    // 8/16-bit images (most MRI and CT): one table entry per distinct value, same arithmetic,
    // so the result is bit-identical to the direct loop and ~3x faster on 16 M voxels.
    const lut = new Float32Array(max - min + 1);
    for (let v = min; v <= max; v++) lut[v - min] = ((v < lo ? lo : v > hi ? hi : v) - offset) / range;
    for (let i = 0; i < data.length; i++) out[i] = lut[data[i] - min];
    return out;
  }
  for (let i = 0; i < data.length; i++) {
    const v = data[i] < lo ? lo : data[i] > hi ? hi : data[i];
    out[i] = (v - offset) / range;
  }
  return out;
}

/**
 * Percentiles from a 65536-bin histogram between min and max: exact for 8/16-bit integer images,
 * within (max-min)/65536 for float images, and O(n) instead of sorting 16 M voxels.
 */
function percentiles(data: VoxelArray, ps: number[]): number[] {
  const { min, max } = minMax(data);
  if (!(max > min)) return ps.map(() => min);
  const bins = 65536;
  const integer = !(data instanceof Float32Array || data instanceof Float64Array) && max - min < bins;
  const width = integer ? 1 : (max - min) / (bins - 1);
  const hist = new Float64Array(bins);
  for (let i = 0; i < data.length; i++) hist[Math.floor((data[i] - min) / width)]++;
  return ps.map((p) => {
    const target = (p / 100) * (data.length - 1);
    let seen = 0;
    for (let b = 0; b < bins; b++) {
      seen += hist[b];
      if (seen > target) return min + b * width;
    }
    return max;
  });
}

function zScore(data: VoxelArray, nonZeroOnly: boolean): Float32Array {
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (nonZeroOnly && v === 0) continue;
    n++;
    sum += v;
    sumSq += v * v;
  }
  const out = new Float32Array(data.length);
  if (n === 0) return out;
  const mean = sum / n;
  const std = Math.sqrt(Math.max(0, sumSq / n - mean * mean)) || 1;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    out[i] = nonZeroOnly && v === 0 ? 0 : (v - mean) / std;
  }
  return out;
}
