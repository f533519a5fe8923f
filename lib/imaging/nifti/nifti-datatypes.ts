/** NIfTI-1 datatype codes and the typed arrays segflow maps them to. */
import type { VoxelArray } from '../volume';

export interface NiftiDatatype {
  code: number;
  name: string;
  bytes: number;
  create: (buffer: ArrayBuffer, length: number) => VoxelArray;
}

export const NIFTI_DATATYPES: Record<number, NiftiDatatype> = {
  2: { code: 2, name: 'uint8', bytes: 1, create: (b, n) => new Uint8Array(b, 0, n) },
  4: { code: 4, name: 'int16', bytes: 2, create: (b, n) => new Int16Array(b, 0, n) },
  8: { code: 8, name: 'int32', bytes: 4, create: (b, n) => new Int32Array(b, 0, n) },
  16: { code: 16, name: 'float32', bytes: 4, create: (b, n) => new Float32Array(b, 0, n) },
  64: { code: 64, name: 'float64', bytes: 8, create: (b, n) => new Float64Array(b, 0, n) },
  256: { code: 256, name: 'int8', bytes: 1, create: (b, n) => new Int8Array(b, 0, n) },
  512: { code: 512, name: 'uint16', bytes: 2, create: (b, n) => new Uint16Array(b, 0, n) },
  768: { code: 768, name: 'uint32', bytes: 4, create: (b, n) => new Uint32Array(b, 0, n) },
};

/** The datatype code a typed array is written as. */
export function datatypeCodeOf(data: VoxelArray): number {
  if (data instanceof Uint8Array) return 2;
  if (data instanceof Int16Array) return 4;
  if (data instanceof Int32Array) return 8;
  if (data instanceof Float32Array) return 16;
  if (data instanceof Float64Array) return 64;
  if (data instanceof Int8Array) return 256;
  if (data instanceof Uint16Array) return 512;
  return 768;
}
