/**
 * NIfTI-1 reader (.nii and .nii.gz, either byte order) into the shared Volume type.
 * scl_slope/scl_inter are applied here so callers always see physical values.
 */
import { gunzipSync } from 'fflate';
import { AppError } from '../../errors';
import type { Volume, VoxelArray } from '../volume';
import { NIFTI_DATATYPES } from './nifti-datatypes';
import { isGzip, parseNiftiHeader, readNiftiHeader, type NiftiHeader } from './read-nifti-header';

export function readNifti(bytes: Uint8Array, fileName = 'NIfTI file'): Volume {
  return readNiftiWithHeader(bytes, fileName).volume;
}

export function readNiftiWithHeader(bytes: Uint8Array, fileName = 'NIfTI file'): { header: NiftiHeader; volume: Volume } {
  // Parse the header first (cheap even for .gz) so size limits are enforced before inflating.
  readNiftiHeader(bytes, fileName);
  let raw = bytes;
  if (isGzip(bytes)) {
    try {
      raw = gunzipSync(bytes);
    } catch {
      throw new AppError('malformed_file', `${fileName}: gzip data is corrupt or truncated`, { file: fileName });
    }
  }
  const header = parseNiftiHeader(raw, fileName);
  const count = header.dims[0] * header.dims[1] * header.dims[2];
  const nbytes = count * header.bytesPerVoxel;
  if (header.voxOffset + nbytes > raw.length) {
    throw new AppError('malformed_file', `${fileName}: truncated: needs ${header.voxOffset + nbytes} bytes of voxel data and header, has ${raw.length}`, {
      file: fileName,
    });
  }
  // Copy into a fresh, aligned buffer: vox_offset need not be a multiple of the element size.
  // (Not `raw.slice`: on a Node Buffer that returns a view into a shared pool.)
  const copy = new Uint8Array(nbytes);
  copy.set(raw.subarray(header.voxOffset, header.voxOffset + nbytes));
  if (!header.littleEndian && header.bytesPerVoxel > 1) swapBytes(copy, header.bytesPerVoxel);
  let data: VoxelArray = NIFTI_DATATYPES[header.datatypeCode].create(copy.buffer, count);
  data = applyScaling(data, header.sclSlope, header.sclInter);
  return { header, volume: { dims: header.dims, spacing: header.spacing, affine: header.affine, data } };
}

/** Per the NIfTI-1 standard a slope of 0 (or NaN) means "no scaling". */
function applyScaling(data: VoxelArray, slope: number, inter: number): VoxelArray {
  if (!Number.isFinite(slope) || slope === 0) return data;
  const b = Number.isFinite(inter) ? inter : 0;
  if (slope === 1 && b === 0) return data;
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] * slope + b;
  return out;
}

function swapBytes(bytes: Uint8Array, width: number): void {
  for (let i = 0; i + width <= bytes.length; i += width) {
    for (let a = i, b = i + width - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}
