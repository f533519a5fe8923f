/**
 * A deliberately degraded model for testing the shadow comparison: one layer's weights get
 * deterministic Gaussian noise (seeded PRNG), so the same input always yields the same bad model.
 */
import { seededRandom } from '@/lib/util/seeded-random';
import { AppError } from '@/lib/errors';
import { readFloat32Initializer, writeFloat32Initializer } from './onnx-initializers';
import { decodeOnnx, encodeOnnx, graphOf } from './onnx-proto';

export function perturbWeights(bytes: Uint8Array, opts: { initializer: string; scale: number; seed: number }, where = 'model.onnx'): Uint8Array {
  const model = decodeOnnx(bytes, where);
  const t = graphOf(model).initializer.find((i) => i.name === opts.initializer);
  if (!t) {
    const names = graphOf(model)
      .initializer.map((i) => i.name)
      .join(', ');
    throw new AppError('invalid_input', `${where}: no initializer named "${opts.initializer}" (have: ${names})`);
  }
  const w = readFloat32Initializer(t);
  let sum = 0;
  let sumSq = 0;
  for (const v of w) {
    sum += v;
    sumSq += v * v;
  }
  const std = Math.sqrt(Math.max(0, sumSq / w.length - (sum / w.length) ** 2));
  const rand = seededRandom(opts.seed);
  for (let i = 0; i < w.length; i++) {
    // Box-Muller; 1 - u keeps log() finite
    const g = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    w[i] = Math.fround(w[i] + g * std * opts.scale);
  }
  writeFloat32Initializer(t, w);
  model.producerName = 'segflow make-model-variants';
  return encodeOnnx(model);
}
