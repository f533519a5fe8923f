/**
 * Conform a volume to a model's input grid (e.g. FreeSurfer's 256³ 1 mm LIA): axis-aligned target
 * in the given orientation, centred on the source volume's centre as FreeSurfer's mri_conform does
 * (centre = affine · dims/2), then resampled. Inverse mapping is `resampleToGrid(labels, source)`.
 */
import { AppError } from '../../errors';
import type { Mat4, Volume } from '../volume';
import { applyAffine } from './mat4';
import { resampleToGrid, type Interpolation } from './resample-to-grid';

export { resampleToGrid } from './resample-to-grid';
export type { Grid, Interpolation } from './resample-to-grid';

export interface ConformTarget {
  dims: [number, number, number];
  spacing: [number, number, number];
  /** three letters, the direction each voxel axis increases towards, e.g. 'LIA', 'RAS' */
  orientation: string;
}

const AXIS_DIRECTIONS: Record<string, [number, number, number]> = {
  R: [1, 0, 0],
  L: [-1, 0, 0],
  A: [0, 1, 0],
  P: [0, -1, 0],
  S: [0, 0, 1],
  I: [0, 0, -1],
};

export function conformVolume(vol: Volume, target: ConformTarget, interpolation: Interpolation): Volume {
  return resampleToGrid(vol, conformGrid(vol, target), interpolation);
}

/** The target grid alone: inference needs it to map results back and to record provenance. */
export function conformGrid(vol: Volume, target: ConformTarget): { dims: [number, number, number]; affine: Mat4 } {
  const dirs = parseOrientation(target.orientation);
  const centre = applyAffine(vol.affine, [vol.dims[0] / 2, vol.dims[1] / 2, vol.dims[2] / 2]);
  const affine: Mat4 = [
    [0, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 1],
  ];
  for (let c = 0; c < 3; c++) for (let r = 0; r < 3; r++) affine[r][c] = dirs[c][r] * target.spacing[c];
  for (let r = 0; r < 3; r++) {
    let s = 0;
    for (let c = 0; c < 3; c++) s += affine[r][c] * (target.dims[c] / 2);
    affine[r][3] = centre[r] - s;
  }
  return { dims: [...target.dims], affine };
}

export function parseOrientation(code: string): [number, number, number][] {
  const letters = code.toUpperCase().split('');
  const dirs = letters.map((l) => AXIS_DIRECTIONS[l]);
  const axes = new Set(dirs.map((d) => (d ? d.findIndex((v) => v !== 0) : -1)));
  if (letters.length !== 3 || dirs.some((d) => !d) || axes.size !== 3) {
    throw new AppError('invalid_input', `orientation "${code}" is not three distinct axis letters from R/L, A/P, S/I`);
  }
  return dirs;
}

/** The orientation code of an affine (nearest axis per column), e.g. 'LIA' for FreeSurfer conformed. */
export function orientationOfAffine(affine: Mat4): string {
  const names = [
    ['L', 'R'],
    ['P', 'A'],
    ['I', 'S'],
  ];
  let code = '';
  for (let c = 0; c < 3; c++) {
    const col = [affine[0][c], affine[1][c], affine[2][c]];
    const axis = col.map(Math.abs).reduce((best, v, i, a) => (v > a[best] ? i : best), 0);
    code += names[axis][col[axis] > 0 ? 1 : 0];
  }
  return code;
}
