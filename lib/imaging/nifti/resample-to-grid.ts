/**
 * Resample a volume onto another voxel grid (same world space). Hot path for inference pre/post
 * processing: the output-to-input voxel matrix is computed once and stepped incrementally along i,
 * with no allocation per voxel.
 */
import { AppError } from '../../errors';
import type { Mat4, Volume, VoxelArray } from '../volume';
import { invertAffine, multiplyMat4, sameAffine, spacingOfAffine } from './mat4';
import { MAX_VOLUME_BYTES } from './read-nifti-header';

export type Interpolation = 'linear' | 'nearest';
export interface Grid {
  dims: [number, number, number];
  affine: Mat4;
}

export function resampleToGrid(vol: Volume, grid: Grid, interpolation: Interpolation): Volume {
  const [ox, oy, oz] = grid.dims;
  const count = ox * oy * oz;
  if (![ox, oy, oz].every((n) => Number.isInteger(n) && n > 0)) {
    throw new AppError('invalid_input', `target grid dims ${grid.dims.join('x')} are not positive integers`);
  }
  if (count * 4 > MAX_VOLUME_BYTES) throw new AppError('too_large', `target grid ${grid.dims.join('x')} exceeds the size limit`);
  const affine = grid.affine.map((r) => [...r]) as Mat4;
  const spacing = spacingOfAffine(affine);
  if (sameGrid(vol, grid)) {
    return { dims: [ox, oy, oz], spacing: [...vol.spacing], affine: vol.affine.map((r) => [...r]) as Mat4, data: vol.data.slice() };
  }
  // out voxel -> world -> in voxel
  const m = multiplyMat4(invertAffine(vol.affine), grid.affine);
  const data = interpolation === 'nearest' ? resampleNearest(vol, grid.dims, m) : resampleLinear(vol, grid.dims, m);
  return { dims: [ox, oy, oz], spacing, affine, data };
}

function sameGrid(vol: Volume, grid: Grid): boolean {
  return vol.dims.every((n, d) => n === grid.dims[d]) && sameAffine(grid.dims, vol.affine, grid.affine);
}

function emptyLike(data: VoxelArray, n: number): VoxelArray {
  const Ctor = data.constructor as new (n: number) => VoxelArray;
  return new Ctor(n);
}

function resampleNearest(vol: Volume, dims: [number, number, number], m: Mat4): VoxelArray {
  const [nx, ny, nz] = vol.dims;
  const src = vol.data;
  const out = emptyLike(src, dims[0] * dims[1] * dims[2]);
  const sxy = nx * ny;
  // +0.5 then floor == round-half-up; bounds [-0.5, n-0.5) map to valid indices.
  let o = 0;
  for (let k = 0; k < dims[2]; k++) {
    for (let j = 0; j < dims[1]; j++) {
      let x = m[0][1] * j + m[0][2] * k + m[0][3] + 0.5;
      let y = m[1][1] * j + m[1][2] * k + m[1][3] + 0.5;
      let z = m[2][1] * j + m[2][2] * k + m[2][3] + 0.5;
      for (let i = 0; i < dims[0]; i++, o++) {
        if (x >= 0 && y >= 0 && z >= 0 && x < nx && y < ny && z < nz) {
          out[o] = src[(x | 0) + nx * (y | 0) + sxy * (z | 0)];
        }
        x += m[0][0];
        y += m[1][0];
        z += m[2][0];
      }
    }
  }
  return out;
}

/**
 * Trilinear; samples within half a voxel outside the source edge take the edge value (as nearest
 * would), further out they are 0. Output is Float32Array so no precision is lost to rounding.
 */
function resampleLinear(vol: Volume, dims: [number, number, number], m: Mat4): Float32Array {
  const [nx, ny, nz] = vol.dims;
  const src = vol.data;
  const out = new Float32Array(dims[0] * dims[1] * dims[2]);
  const sxy = nx * ny;
  const mx = nx - 1;
  const my = ny - 1;
  const mz = nz - 1;
  let o = 0;
  for (let k = 0; k < dims[2]; k++) {
    for (let j = 0; j < dims[1]; j++) {
      let x = m[0][1] * j + m[0][2] * k + m[0][3];
      let y = m[1][1] * j + m[1][2] * k + m[1][3];
      let z = m[2][1] * j + m[2][2] * k + m[2][3];
      for (let i = 0; i < dims[0]; i++, o++) {
        if (x >= -0.5 && y >= -0.5 && z >= -0.5 && x < nx - 0.5 && y < ny - 0.5 && z < nz - 0.5) {
          const xc = x < 0 ? 0 : x > mx ? mx : x;
          const yc = y < 0 ? 0 : y > my ? my : y;
          const zc = z < 0 ? 0 : z > mz ? mz : z;
          const x0 = xc | 0;
          const y0 = yc | 0;
          const z0 = zc | 0;
          const fx = xc - x0;
          const fy = yc - y0;
          const fz = zc - z0;
          const dx = x0 < mx ? 1 : 0;
          const dy = y0 < my ? nx : 0;
          const dz = z0 < mz ? sxy : 0;
          const p = x0 + nx * y0 + sxy * z0;
          const c00 = src[p] + (src[p + dx] - src[p]) * fx;
          const c10 = src[p + dy] + (src[p + dy + dx] - src[p + dy]) * fx;
          const c01 = src[p + dz] + (src[p + dz + dx] - src[p + dz]) * fx;
          const c11 = src[p + dz + dy] + (src[p + dz + dy + dx] - src[p + dz + dy]) * fx;
          const c0 = c00 + (c10 - c00) * fy;
          const c1 = c01 + (c11 - c01) * fy;
          out[o] = c0 + (c1 - c0) * fz;
        }
        x += m[0][0];
        y += m[1][0];
        z += m[2][0];
      }
    }
  }
  return out;
}
