/**
 * Small 4x4 affine helpers (row-major, as in `Volume.affine`). Kept here rather than pulling a
 * linear-algebra package: only multiply, invert and compare are needed.
 */
import type { Mat4 } from '../volume';

export function multiplyMat4(a: Mat4, b: Mat4): Mat4 {
  const out = zeroMat4();
  for (let r = 0; r < 4; r++)
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[r][k] * b[k][c];
      out[r][c] = s;
    }
  return out;
}

export function zeroMat4(): Mat4 {
  return [
    [0, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 0],
  ];
}

export function identityMat4(): Mat4 {
  return [
    [1, 0, 0, 0],
    [0, 1, 0, 0],
    [0, 0, 1, 0],
    [0, 0, 0, 1],
  ];
}

/** Determinant of the 3x3 part: the signed volume of one voxel in mm³. */
export function determinant3(m: Mat4): number {
  const [a, b, c] = [m[0][0], m[0][1], m[0][2]];
  const [d, e, f] = [m[1][0], m[1][1], m[1][2]];
  const [g, h, i] = [m[2][0], m[2][1], m[2][2]];
  return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
}

/**
 * Whether the voxel axes span no volume: a zero-length axis, or two axes along one line (the voxel
 * volume is a millionth or less of what the axis lengths alone would give).
 */
export function isDegenerateAffine(m: Mat4): boolean {
  const [sx, sy, sz] = spacingOfAffine(m);
  return !(sx > 0 && sy > 0 && sz > 0) || Math.abs(determinant3(m)) <= 1e-6 * sx * sy * sz;
}

/** Inverse of an affine (last row 0 0 0 1): invert the 3x3 part, then the translation. */
export function invertAffine(m: Mat4): Mat4 {
  const [a, b, c] = [m[0][0], m[0][1], m[0][2]];
  const [d, e, f] = [m[1][0], m[1][1], m[1][2]];
  const [g, h, i] = [m[2][0], m[2][1], m[2][2]];
  const det = determinant3(m);
  if (!Number.isFinite(det) || isDegenerateAffine(m)) throw new Error('affine is singular');
  const inv = [
    [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
    [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
    [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det],
  ];
  const t = [m[0][3], m[1][3], m[2][3]];
  const out = zeroMat4();
  for (let r = 0; r < 3; r++) {
    out[r][0] = inv[r][0];
    out[r][1] = inv[r][1];
    out[r][2] = inv[r][2];
    out[r][3] = -(inv[r][0] * t[0] + inv[r][1] * t[1] + inv[r][2] * t[2]);
  }
  out[3][3] = 1;
  return out;
}

export function applyAffine(m: Mat4, p: [number, number, number]): [number, number, number] {
  return [
    m[0][0] * p[0] + m[0][1] * p[1] + m[0][2] * p[2] + m[0][3],
    m[1][0] * p[0] + m[1][1] * p[1] + m[1][2] * p[2] + m[1][3],
    m[2][0] * p[0] + m[2][1] * p[1] + m[2][2] * p[2] + m[2][3],
  ];
}

/**
 * How far (mm) two grids' voxels may lie apart and still be one voxel grid: what storing a grid in a
 * NIfTI header's float32 fields does to it (a few 1e-5 mm across a 512-voxel, 300 mm grid), with room
 * to spare, and far below any voxel. Every "same grid?" check (a reference, a mask in the viewer, live
 * against shadow, a SEG's source, a resample) uses it, through sameAffine.
 */
export const SAME_GRID_TOLERANCE = 1e-3;

/**
 * Whether two affines put every voxel of a grid of `dims` within SAME_GRID_TOLERANCE mm of each
 * other. The distance between the two positions of a voxel is a convex function of its index, so its
 * largest value is at one of the grid's eight corners: those are checked (a difference in the linear
 * part grows with the index, and comparing entries alone would let 1e-3 mm per voxel add up to half
 * a voxel at the far edge).
 */
export function sameAffine(dims: readonly number[], a: Mat4, b: Mat4): boolean {
  const last = [0, 1, 2].map((d) => Math.max(0, dims[d] - 1));
  for (const i of [0, last[0]])
    for (const j of [0, last[1]])
      for (const k of [0, last[2]]) {
        const p = applyAffine(a, [i, j, k]);
        const q = applyAffine(b, [i, j, k]);
        if (!(Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]) <= SAME_GRID_TOLERANCE)) return false;
      }
  return true;
}

/** Column norms of the 3x3 part: the voxel size along i, j, k. */
export function spacingOfAffine(m: Mat4): [number, number, number] {
  const norm = (c: number) => Math.hypot(m[0][c], m[1][c], m[2][c]);
  return [norm(0), norm(1), norm(2)];
}
