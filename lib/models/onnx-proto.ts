/**
 * Decoding and encoding ONNX model files with the `onnx-proto` package (protobufjs static code of
 * onnx.proto). It is CommonJS with `module.exports = root`, so it is loaded through require to
 * behave the same under tsx, vitest and plain Node.
 */
import { createRequire } from 'node:module';
import { AppError } from '@/lib/errors';

type OnnxModule = typeof import('onnx-proto');
const { onnx } = createRequire(import.meta.url)('onnx-proto') as OnnxModule;
export { onnx };
export type ModelProto = import('onnx-proto').onnx.ModelProto;
type O = typeof import('onnx-proto').onnx;
export type NodeProto = InstanceType<O['NodeProto']>;
export type TensorProto = InstanceType<O['TensorProto']>;
export type ValueInfoProto = InstanceType<O['ValueInfoProto']>;

/**
 * The graph of a decoded model. protobufjs decodes into class instances whose repeated fields are
 * always arrays of instances, but the generated types declare the nested fields as optional
 * interfaces; this is the honest type of what decode() returns.
 */
export interface DecodedGraph {
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  valueInfo: ValueInfoProto[];
}

export function graphOf(model: ModelProto): DecodedGraph {
  return model.graph as unknown as DecodedGraph;
}

export interface OnnxTensorInfo {
  name: string;
  /** numbers for fixed dims, strings for symbolic ones, null when the file leaves a dim unnamed */
  shape: (number | string | null)[];
  elemType: number;
}

export interface OnnxSummary {
  irVersion: number;
  /** version of the default (ai.onnx) domain */
  opset: number;
  inputs: OnnxTensorInfo[];
  outputs: OnnxTensorInfo[];
  opTypes: string[];
}

export function decodeOnnx(bytes: Uint8Array, where = 'model.onnx'): ModelProto {
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new AppError('malformed_file', `${where}: not an ONNX model (${(err as Error).message})`, { file: where });
  }
  // protobuf accepts many random byte strings; a model without a graph or nodes is not usable.
  const graph = model.graph ? graphOf(model) : null;
  if (!graph || graph.node.length === 0 || graph.input.length === 0) {
    throw new AppError('malformed_file', `${where}: not an ONNX model (no graph, nodes or inputs)`, { file: where });
  }
  return model;
}

export function encodeOnnx(model: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

function toNumber(v: number | { toNumber(): number } | null | undefined): number {
  if (v == null) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

function tensorInfo(v: import('onnx-proto').onnx.IValueInfoProto): OnnxTensorInfo {
  const t = v.type?.tensorType;
  const dims = t?.shape?.dim ?? [];
  return {
    name: v.name ?? '',
    elemType: t?.elemType ?? 0,
    shape: dims.map((d) => (d.dimParam ? d.dimParam : d.dimValue != null ? toNumber(d.dimValue) : null)),
  };
}

export function summarizeOnnx(model: ModelProto): OnnxSummary {
  const graph = graphOf(model);
  const initializers = new Set(graph.initializer.map((i) => i.name));
  const defaultOpset = model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx');
  return {
    irVersion: toNumber(model.irVersion),
    opset: toNumber(defaultOpset?.version),
    // older exporters list initializers as graph inputs too; they are not inputs a caller feeds
    inputs: graph.input.filter((i) => !initializers.has(i.name)).map(tensorInfo),
    outputs: graph.output.map(tensorInfo),
    opTypes: [...new Set(graph.node.map((n) => n.opType))].sort(),
  };
}

/**
 * Rewrites the spatial dims (index 2..4) of every graph input and output to symbolic ones. ONNX
 * Runtime rejects inputs whose size differs from a fixed declared dim, even when every op would
 * accept it; for a fully convolutional model this lets one session run patches and tiny cubes.
 * Intermediate value_info shapes are dropped because they would pin the sizes again.
 */
export function relaxSpatialDims(bytes: Uint8Array, where = 'model.onnx'): Uint8Array {
  const model = decodeOnnx(bytes, where);
  const graph = graphOf(model);
  for (const v of [...graph.input, ...graph.output]) {
    const dims = v.type?.tensorType?.shape?.dim;
    if (dims?.length !== 5) continue;
    for (let i = 2; i < 5; i++) dims[i] = onnx.TensorShapeProto.Dimension.create({ dimParam: `spatial_${i - 2}` });
  }
  graph.valueInfo = [];
  return encodeOnnx(model);
}
