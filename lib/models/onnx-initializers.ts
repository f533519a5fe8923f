/** Reading and writing float32 initializer (weight) data in a decoded ONNX model. */
import { AppError } from '@/lib/errors';
import { onnx } from './onnx-proto';

type Tensor = import('onnx-proto').onnx.ITensorProto;

export function readFloat32Initializer(t: Tensor): Float32Array {
  if (t.dataType !== onnx.TensorProto.DataType.FLOAT) {
    throw new AppError('unsupported', `initializer ${t.name}: data type ${t.dataType} is not float32`);
  }
  if (t.floatData && t.floatData.length > 0) return Float32Array.from(t.floatData);
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new AppError('unsupported', `initializer ${t.name}: external data files are not supported`);
  }
  const raw = t.rawData ?? new Uint8Array(0);
  // copy: rawData is a view into the decoded file and may be unaligned for a Float32Array
  const copy = new Uint8Array(raw);
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
}

export function writeFloat32Initializer(t: Tensor, values: Float32Array): void {
  t.dataType = onnx.TensorProto.DataType.FLOAT;
  t.floatData = [];
  t.rawData = new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
}
