/**
 * NIfTI-1 writer. Output is deterministic (fixed gzip mtime, no timestamps in the header) because
 * pipeline steps must produce byte-identical results when retried.
 */
import { gzipSync } from 'fflate';
import { AppError } from '../../errors';
import type { Mat4, Volume } from '../volume';
import { datatypeCodeOf, NIFTI_DATATYPES } from './nifti-datatypes';
import { spacingOfAffine } from './mat4';

export interface WriteNiftiOptions {
  gzip?: boolean;
  description?: string;
  intent?: 'label';
}

const NIFTI_INTENT_LABEL = 1002;
const NIFTI_XFORM_SCANNER_ANAT = 1;
const NIFTI_UNITS_MM = 2;

export function writeNifti(vol: Volume, opts: WriteNiftiOptions = {}): Uint8Array {
  const [nx, ny, nz] = vol.dims;
  const count = nx * ny * nz;
  if (vol.data.length !== count) {
    throw new AppError('invalid_input', `volume data has ${vol.data.length} voxels but dims ${nx}x${ny}x${nz} need ${count}`);
  }
  const code = datatypeCodeOf(vol.data);
  const dt = NIFTI_DATATYPES[code];
  const out = new Uint8Array(352 + count * dt.bytes);
  const view = new DataView(out.buffer);
  view.setInt32(0, 348, true);
  out[38] = 'r'.charCodeAt(0); // regular: what FSL/nibabel write
  view.setInt16(40, 3, true);
  [nx, ny, nz, 1, 1, 1, 1].forEach((n, d) => {
    view.setInt16(42 + 2 * d, n, true);
  });
  view.setInt16(68, opts.intent === 'label' ? NIFTI_INTENT_LABEL : 0, true);
  view.setInt16(70, code, true);
  view.setInt16(72, dt.bytes * 8, true);

  const { quatern, offset, qfac } = affineToQuatern(vol.affine);
  const spacing = spacingOfAffine(vol.affine);
  view.setFloat32(76, qfac, true);
  spacing.forEach((s, d) => {
    view.setFloat32(80 + 4 * d, s, true);
  });
  view.setFloat32(108, 352, true);
  view.setFloat32(112, 1, true);
  view.setFloat32(116, 0, true);
  out[123] = NIFTI_UNITS_MM;
  const desc = new TextEncoder().encode((opts.description ?? 'segflow').slice(0, 79));
  out.set(desc.subarray(0, 79), 148);
  view.setInt16(252, NIFTI_XFORM_SCANNER_ANAT, true);
  view.setInt16(254, NIFTI_XFORM_SCANNER_ANAT, true);
  quatern.forEach((q, i) => {
    view.setFloat32(256 + 4 * i, q, true);
  });
  offset.forEach((o, i) => {
    view.setFloat32(268 + 4 * i, o, true);
  });
  for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) view.setFloat32(280 + 16 * r + 4 * c, vol.affine[r][c], true);
  out.set([0x6e, 0x2b, 0x31, 0x00], 344); // "n+1\0"

  // Voxels: copy the typed array's bytes, swapping if this machine is big-endian (never in practice).
  const src = new Uint8Array(vol.data.buffer, vol.data.byteOffset, count * dt.bytes);
  out.set(src, 352);
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new AppError('unsupported', 'writing NIfTI on a big-endian machine is not supported');
  }
  return opts.gzip ? gzipSync(out, { level: 6, mtime: 0 }) : out;
}

/**
 * nifti1_io mat44_to_quatern, simplified: columns normalised, qfac from the determinant's sign.
 * Shear is not representable in a qform; the sform (written too, preferred by readers) is exact.
 */
export function affineToQuatern(m: Mat4): { quatern: [number, number, number]; offset: [number, number, number]; qfac: number } {
  const cols = [0, 1, 2].map((c) => {
    const v = [m[0][c], m[1][c], m[2][c]];
    const n = Math.hypot(v[0], v[1], v[2]) || 1;
    return v.map((x) => x / n);
  });
  const det =
    cols[0][0] * (cols[1][1] * cols[2][2] - cols[2][1] * cols[1][2]) -
    cols[1][0] * (cols[0][1] * cols[2][2] - cols[2][1] * cols[0][2]) +
    cols[2][0] * (cols[0][1] * cols[1][2] - cols[1][1] * cols[0][2]);
  let qfac = 1;
  if (det < 0) {
    qfac = -1;
    cols[2] = cols[2].map((x) => -x);
  }
  // r[row][col]
  const r = (row: number, col: number) => cols[col][row];
  let a = r(0, 0) + r(1, 1) + r(2, 2) + 1;
  let b: number, c: number, d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (r(2, 1) - r(1, 2))) / a;
    c = (0.25 * (r(0, 2) - r(2, 0))) / a;
    d = (0.25 * (r(1, 0) - r(0, 1))) / a;
  } else {
    const xd = 1 + r(0, 0) - (r(1, 1) + r(2, 2));
    const yd = 1 + r(1, 1) - (r(0, 0) + r(2, 2));
    const zd = 1 + r(2, 2) - (r(0, 0) + r(1, 1));
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (r(0, 1) + r(1, 0))) / b;
      d = (0.25 * (r(0, 2) + r(2, 0))) / b;
      a = (0.25 * (r(2, 1) - r(1, 2))) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (r(0, 1) + r(1, 0))) / c;
      d = (0.25 * (r(1, 2) + r(2, 1))) / c;
      a = (0.25 * (r(0, 2) - r(2, 0))) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (r(0, 2) + r(2, 0))) / d;
      c = (0.25 * (r(1, 2) + r(2, 1))) / d;
      a = (0.25 * (r(1, 0) - r(0, 1))) / d;
    }
    if (a < 0) {
      b = -b;
      c = -c;
      d = -d;
    }
  }
  return { quatern: [b, c, d], offset: [m[0][3], m[1][3], m[2][3]], qfac };
}
