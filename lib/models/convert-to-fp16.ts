/**
 * fp16 variant of an fp32 ONNX model, rewritten with protobufjs (onnx-proto). The graph's inputs
 * and outputs stay float32 so the worker, the spec and the comparison step need no change:
 *  - compute 'fp32': weights stored as float16 (half the file), each followed by a Cast back to
 *    float32; arithmetic stays fp32, so it runs on every provider (onnxruntime's CPU provider has
 *    no fp16 Conv on x86-64). This measures what fp16 weight storage costs in accuracy.
 *  - compute 'fp16': the whole graph in fp16 with a Cast after each input and before each output,
 *    the variant a GPU provider runs faster.
 */
import { AppError } from '@/lib/errors';
import { float32ToFloat16Bits } from './float16';
import { readFloat32Initializer } from './onnx-initializers';
import { decodeOnnx, encodeOnnx, graphOf, onnx, type NodeProto } from './onnx-proto';

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const FLOAT16 = onnx.TensorProto.DataType.FLOAT16;

function toFloat16Raw(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setUint16(i * 2, float32ToFloat16Bits(values[i]), true);
  return out;
}

function castNode(input: string, output: string, to: number): NodeProto {
  return onnx.NodeProto.create({
    name: `cast_${output}`,
    opType: 'Cast',
    input: [input],
    output: [output],
    attribute: [onnx.AttributeProto.create({ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: to })],
  });
}

export function convertToFp16(bytes: Uint8Array, opts: { compute: 'fp32' | 'fp16' }, where = 'model.onnx'): Uint8Array {
  const model = decodeOnnx(bytes, where);
  const graph = graphOf(model);
  const floatInits = graph.initializer.filter((t) => t.dataType === FLOAT);
  if (floatInits.length === 0) throw new AppError('unsupported', `${where}: no float32 weights to convert`);
  const casts: NodeProto[] = [];
  const renamed = new Set<string>();
  for (const t of floatInits) {
    const values = readFloat32Initializer(t);
    t.dataType = FLOAT16;
    t.floatData = [];
    t.rawData = toFloat16Raw(values);
    if (opts.compute === 'fp32') {
      const original = t.name;
      t.name = `${original}_fp16`;
      renamed.add(original);
      casts.push(castNode(t.name, original, FLOAT));
    }
  }
  // Older exporters also list weights as graph inputs; a renamed weight would become a required input.
  graph.input = graph.input.filter((i) => !renamed.has(i.name));

  if (opts.compute === 'fp16') {
    for (const input of graph.input) {
      if (input.type?.tensorType?.elemType !== FLOAT) continue;
      const half = `${input.name}_fp16`;
      for (const n of graph.node) n.input = n.input.map((x) => (x === input.name ? half : x));
      casts.push(castNode(input.name, half, FLOAT16));
    }
    const tail: NodeProto[] = [];
    for (const output of graph.output) {
      if (output.type?.tensorType?.elemType !== FLOAT) continue;
      const half = `${output.name}_fp16`;
      for (const n of graph.node) n.output = n.output.map((x) => (x === output.name ? half : x));
      tail.push(castNode(half, output.name, FLOAT));
    }
    graph.node = [...casts, ...graph.node, ...tail];
  } else {
    graph.node = [...casts, ...graph.node];
  }
  // intermediate type annotations would now be wrong; onnxruntime infers them again
  graph.valueInfo = [];
  model.producerName = 'segflow make-model-variants';
  return encodeOnnx(model);
}
