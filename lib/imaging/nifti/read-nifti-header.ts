/**
 * NIfTI-1 header parsing without decoding voxels: upload ingest only needs dims, datatype and
 * geometry, so for .nii.gz only the first few kilobytes are inflated.
 */
import { Gunzip } from 'fflate';
import { AppError } from '../../errors';
import type { Mat4 } from '../volume';
import { NIFTI_DATATYPES } from './nifti-datatypes';
import { isDegenerateAffine, spacingOfAffine } from './mat4';

export const NIFTI1_HEADER_BYTES = 348;
/** Refuse anything whose voxels alone would exceed 2 GiB: one typed array, one worker. */
export const MAX_VOLUME_BYTES = 2 ** 31;

export interface NiftiHeader {
  dims: [number, number, number];
  datatype: string;
  datatypeCode: number;
  bytesPerVoxel: number;
  spacing: [number, number, number];
  affine: Mat4;
  /** where voxel data starts in the (inflated) file */
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  littleEndian: boolean;
  intentCode: number;
  qformCode: number;
  sformCode: number;
  description: string;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export function readNiftiHeader(bytes: Uint8Array, fileName = 'NIfTI file'): NiftiHeader {
  const raw = isGzip(bytes) ? inflatePrefix(bytes, NIFTI1_HEADER_BYTES, fileName) : bytes;
  return parseNiftiHeader(raw, fileName);
}

/** Inflate just enough of a gzip stream to see `want` bytes, feeding small input chunks. */
function inflatePrefix(bytes: Uint8Array, want: number, fileName: string): Uint8Array {
  const out = new Uint8Array(want);
  let got = 0;
  const gunzip = new Gunzip((chunk) => {
    const n = Math.min(chunk.length, want - got);
    if (n > 0) out.set(chunk.subarray(0, n), got);
    got += n;
  });
  try {
    for (let off = 0; off < bytes.length && got < want; off += 4096) {
      const end = Math.min(bytes.length, off + 4096);
      gunzip.push(bytes.subarray(off, end), end === bytes.length);
    }
  } catch {
    throw new AppError('malformed_file', `${fileName}: gzip data is corrupt`, { file: fileName });
  }
  if (got < want) throw new AppError('malformed_file', `${fileName}: too short for a NIfTI-1 header`, { file: fileName });
  return out;
}

export function parseNiftiHeader(raw: Uint8Array, fileName = 'NIfTI file'): NiftiHeader {
  const fail = (problem: string, code: 'malformed_file' | 'unsupported' | 'too_large' = 'malformed_file') =>
    new AppError(code, `${fileName}: ${problem}`, { file: fileName });
  if (raw.length < NIFTI1_HEADER_BYTES) throw fail('too short for a NIfTI-1 header');
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  let le = true;
  const sizeofHdr = view.getInt32(0, true);
  if (sizeofHdr !== 348) {
    if (view.getInt32(0, false) === 348) le = false;
    else if (sizeofHdr === 540 || view.getInt32(0, false) === 540) throw fail('NIfTI-2 is not supported', 'unsupported');
    else throw fail('not a NIfTI-1 file (sizeof_hdr is not 348)');
  }
  const magic = String.fromCharCode(raw[344], raw[345], raw[346]);
  if (magic !== 'n+1' && magic !== 'ni1') throw fail(`not a NIfTI-1 file (magic "${magic}")`);
  if (magic === 'ni1') throw fail('two-file NIfTI (.hdr/.img) is not supported', 'unsupported');

  const i16 = (o: number) => view.getInt16(o, le);
  const f32 = (o: number) => view.getFloat32(o, le);
  const ndim = i16(40);
  if (ndim < 1 || ndim > 7) throw fail(`invalid dim[0] ${ndim}`);
  const dim = [1, 1, 1, 1, 1, 1, 1];
  for (let d = 1; d <= ndim; d++) dim[d - 1] = i16(40 + 2 * d);
  if (dim.some((n) => n < 1)) throw fail(`invalid dimensions ${dim.slice(0, ndim).join('x')}`);
  if (dim.slice(3).some((n) => n > 1)) throw fail(`has ${ndim} dimensions (${dim.slice(0, ndim).join('x')}); only 3-D volumes are supported`, 'unsupported');
  const dims: [number, number, number] = [dim[0], dim[1], dim[2]];

  const datatypeCode = i16(70);
  const dt = NIFTI_DATATYPES[datatypeCode];
  if (!dt) throw fail(`datatype ${datatypeCode} is not supported`, 'unsupported');
  const nbytes = dims[0] * dims[1] * dims[2] * dt.bytes;
  if (nbytes > MAX_VOLUME_BYTES) throw fail(`volume of ${nbytes} bytes exceeds the ${MAX_VOLUME_BYTES}-byte limit`, 'too_large');

  const pixdim = [0, 1, 2, 3].map((d) => f32(76 + 4 * d));
  const voxOffset = Math.max(352, Math.floor(f32(108)));
  const qformCode = i16(252);
  const sformCode = i16(254);
  let affine: Mat4;
  if (sformCode > 0) {
    const row = (o: number): [number, number, number, number] => [f32(o), f32(o + 4), f32(o + 8), f32(o + 12)];
    affine = [row(280), row(296), row(312), [0, 0, 0, 1]];
  } else if (qformCode > 0) {
    affine = quaternToAffine(
      [f32(256), f32(260), f32(264)],
      [f32(268), f32(272), f32(276)],
      [Math.abs(pixdim[1]) || 1, Math.abs(pixdim[2]) || 1, Math.abs(pixdim[3]) || 1],
      pixdim[0] < 0 ? -1 : 1,
    );
  } else {
    // NIfTI "method 1" (ANALYZE): voxel sizes only, no orientation information.
    const [dx, dy, dz] = [Math.abs(pixdim[1]) || 1, Math.abs(pixdim[2]) || 1, Math.abs(pixdim[3]) || 1];
    affine = [
      [dx, 0, 0, 0],
      [0, dy, 0, 0],
      [0, 0, dz, 0],
      [0, 0, 0, 1],
    ];
  }
  if (affine.flat().some((v) => !Number.isFinite(v))) throw fail('orientation (qform/sform) contains NaN or infinity');
  if (isDegenerateAffine(affine)) {
    const mm = spacingOfAffine(affine)
      .map((s) => Number(s.toPrecision(3)))
      .join(' × ');
    throw fail(`its ${sformCode > 0 ? 'sform' : 'qform'} is degenerate: the voxel axes (${mm} mm) span no volume, so no voxel has a place in space`);
  }

  let descEnd = 148;
  while (descEnd < 228 && raw[descEnd] !== 0) descEnd++;
  return {
    dims,
    datatype: dt.name,
    datatypeCode,
    bytesPerVoxel: dt.bytes,
    spacing: spacingOfAffine(affine),
    affine,
    voxOffset,
    sclSlope: f32(112),
    sclInter: f32(116),
    littleEndian: le,
    intentCode: i16(68),
    qformCode,
    sformCode,
    description: new TextDecoder('latin1').decode(raw.subarray(148, descEnd)),
  };
}

/** nifti1_io quatern_to_mat44: rotation from (b, c, d), then voxel sizes, qfac flips k. */
export function quaternToAffine(q: [number, number, number], offset: [number, number, number], size: [number, number, number], qfac: number): Mat4 {
  let [b, c, d] = q;
  let a = 1 - (b * b + c * c + d * d);
  if (a < 1e-7) {
    a = 1 / Math.sqrt(b * b + c * c + d * d);
    b *= a;
    c *= a;
    d *= a;
    a = 0;
  } else a = Math.sqrt(a);
  const [xd, yd] = size;
  const zd = size[2] * qfac;
  return [
    [(a * a + b * b - c * c - d * d) * xd, 2 * (b * c - a * d) * yd, 2 * (b * d + a * c) * zd, offset[0]],
    [2 * (b * c + a * d) * xd, (a * a + c * c - b * b - d * d) * yd, 2 * (c * d - a * b) * zd, offset[1]],
    [2 * (b * d - a * c) * xd, 2 * (c * d + a * b) * yd, (a * a + d * d - c * c - b * b) * zd, offset[2]],
    [0, 0, 0, 1],
  ];
}
