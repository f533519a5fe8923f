/**
 * Checks an uploaded model version (ONNX bytes + spec) before it is registered: the file decodes,
 * its opset is one onnxruntime-node 1.30 runs, its input/output names and shapes match the spec,
 * and it actually runs on a tiny input. Each failure is an AppError naming what is wrong.
 */
import { createHash } from 'node:crypto';
import * as ort from 'onnxruntime-node';
import { AppError } from '@/lib/errors';
import type { TModelSpec } from './model-spec';
import { decodeOnnx, relaxSpatialDims, summarizeOnnx, type OnnxTensorInfo } from './onnx-proto';

/** ai.onnx opsets onnxruntime 1.30 implements; 7 is the oldest any current exporter writes. */
export const SUPPORTED_OPSET = { min: 7, max: 22 } as const;
/** A fully convolutional model is tried on this cube: big enough for 3x3x3 convs, cheap everywhere. */
const TINY_EDGE = 16;
const ONNX_FLOAT = 1;

export interface ModelValidation {
  sha256: string;
  irVersion: number;
  opset: number;
  opTypes: string[];
  testRun: { inputDims: number[]; outputDims: number[]; ms: number };
}

function checkTensor(kind: 'input' | 'output', declared: OnnxTensorInfo[], want: TModelSpec['input'], where: string): void {
  const found = declared.find((t) => t.name === want.name);
  if (!found) {
    throw new AppError(
      'invalid_input',
      `${where}: spec ${kind} "${want.name}" is not a graph ${kind} (the model has: ${declared.map((t) => `"${t.name}"`).join(', ')})`,
      {
        field: `${kind}.name`,
      },
    );
  }
  if (found.elemType !== ONNX_FLOAT) {
    throw new AppError('invalid_input', `${where}: graph ${kind} "${want.name}" has element type ${found.elemType}, the spec says float32`, {
      field: `${kind}.dtype`,
    });
  }
  if (found.shape.length !== want.shape.length) {
    throw new AppError('invalid_input', `${where}: graph ${kind} "${want.name}" has rank ${found.shape.length}, the spec shape has ${want.shape.length} dims`, {
      field: `${kind}.shape`,
    });
  }
  want.shape.forEach((dim, i) => {
    const actual = found.shape[i];
    // a symbolic dim in the model accepts any size the spec fixes; the reverse is a contradiction
    const conflict = typeof actual === 'number' && (typeof dim === 'string' || dim !== actual);
    if (conflict) {
      throw new AppError('invalid_input', `${where}: graph ${kind} "${want.name}" dim ${i} is ${actual}, the spec says ${dim}`, {
        field: `${kind}.shape.${i}`,
      });
    }
  });
}

export async function validateModel(bytes: Uint8Array, spec: TModelSpec, where = 'model.onnx'): Promise<ModelValidation> {
  const model = decodeOnnx(bytes, where);
  const summary = summarizeOnnx(model);
  if (summary.opset < SUPPORTED_OPSET.min || summary.opset > SUPPORTED_OPSET.max) {
    throw new AppError('unsupported', `${where}: opset ${summary.opset} is outside the supported range ${SUPPORTED_OPSET.min}-${SUPPORTED_OPSET.max}`, {
      file: where,
      opset: summary.opset,
    });
  }
  checkTensor('input', summary.inputs, spec.input, where);
  checkTensor('output', summary.outputs, spec.output, where);
  if (summary.inputs.length !== 1) {
    throw new AppError('unsupported', `${where}: the model has ${summary.inputs.length} inputs; segflow feeds exactly one`, { file: where });
  }

  const spatial: [number, number, number] = spec.fullyConvolutional
    ? [TINY_EDGE, TINY_EDGE, TINY_EDGE]
    : spec.inference.mode === 'sliding-window'
      ? spec.inference.patch
      : spec.grid.dims;
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(spec.fullyConvolutional ? relaxSpatialDims(bytes, where) : bytes, {
      executionProviders: ['cpu'],
      intraOpNumThreads: 1,
    });
  } catch (err) {
    throw new AppError('malformed_file', `${where}: onnxruntime cannot load the model (${(err as Error).message.split('\n')[0]})`, { file: where });
  }
  try {
    const [sx, sy, sz] = spatial;
    const input = new Float32Array(sx * sy * sz);
    // a smooth ramp in [0, 1], like a scaled image; deterministic so failures reproduce
    for (let i = 0; i < input.length; i++) input[i] = (i % 97) / 96;
    const inputDims = [1, 1, sz, sy, sx];
    const t0 = performance.now();
    let out: ort.Tensor;
    try {
      out = (await session.run({ [spec.input.name]: new ort.Tensor('float32', input, inputDims) }))[spec.output.name];
    } catch (err) {
      throw new AppError('invalid_input', `${where}: test run on a ${sx}x${sy}x${sz} input failed (${(err as Error).message.split('\n')[0]})`, { file: where });
    }
    const ms = performance.now() - t0;
    const outputDims = [...out.dims];
    const expected = [1, spec.labels.length, sz, sy, sx];
    if (outputDims.join(',') !== expected.join(',')) {
      throw new AppError(
        'invalid_input',
        `${where}: test run output has shape [${outputDims}], expected [${expected}] (one channel per label, same spatial size)`,
        {
          file: where,
        },
      );
    }
    const data = out.data as Float32Array;
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) throw new AppError('invalid_input', `${where}: test run output contains NaN or Infinity`, { file: where });
    }
    return {
      sha256: createHash('sha256').update(bytes).digest('hex'),
      irVersion: summary.irVersion,
      opset: summary.opset,
      opTypes: summary.opTypes,
      testRun: { inputDims, outputDims, ms },
    };
  } finally {
    await session.release();
  }
}
