/**
 * Geometry of a DICOM series: check it is one regular stack of parallel slices, order the slices,
 * and build the voxel→RAS affine. Conventions follow dicom2nifti so its ground truths match exactly:
 * i = column, j = row, k = slice; slices ascending along the world axis on which they move most;
 * affine = LPS→RAS flip of [rowDir·Δcol, colDir·Δrow, step, firstPosition].
 */
import { AppError } from '../../errors';
import type { Mat4 } from '../volume';
import type { DicomSlice } from './group-series';
import { sameOrientation } from './group-series';

/** Relative deviation of slice steps tolerated before a series counts as having gaps. */
const STEP_TOLERANCE = 0.1;
/** Gantry tilt (angle between slice step and slice normal) above this is refused. */
const MAX_TILT_DEGREES = 0.5;

export interface SeriesGeometry {
  sorted: DicomSlice[];
  affine: Mat4;
  rows: number;
  columns: number;
}

export function computeSeriesGeometry(slices: DicomSlice[], label: string): SeriesGeometry {
  const bad = (problem: string, code: 'malformed_file' | 'unsupported' | 'invalid_input' = 'malformed_file') =>
    new AppError(code, `series ${label}: ${problem}`, { series: label });
  if (slices.length < 2) throw bad(`only ${slices.length} image(s); at least 2 slices are needed for a volume`, 'invalid_input');
  const first = slices[0];
  for (const s of slices) {
    if (!s.orientation || !s.position || !s.pixelSpacing) {
      throw bad(`${s.name} has no ImageOrientationPatient/ImagePositionPatient/PixelSpacing`);
    }
    if (s.samplesPerPixel !== 1) {
      throw bad(`${s.name} is colour (${s.photometric}, ${s.samplesPerPixel} samples per pixel); only greyscale series are converted`, 'unsupported');
    }
    if (s.numberOfFrames > 1) throw bad(`${s.name} is multi-frame (${s.numberOfFrames} frames); only single-frame series are converted`, 'unsupported');
    if (s.rows !== first.rows || s.columns !== first.columns) {
      throw bad(`slices differ in size (${first.name} ${first.columns}x${first.rows}, ${s.name} ${s.columns}x${s.rows})`);
    }
    if (!sameOrientation(s.orientation, first.orientation)) {
      throw bad(`mixed slice orientations (${first.name} and ${s.name} differ); convert each orientation separately`);
    }
    if (Math.abs(s.pixelSpacing[0] - first.pixelSpacing![0]) > 1e-4 || Math.abs(s.pixelSpacing[1] - first.pixelSpacing![1]) > 1e-4) {
      throw bad(`pixel spacing differs between ${first.name} and ${s.name}`);
    }
  }
  const o = first.orientation!;
  const rowDir = [o[0], o[1], o[2]];
  const colDir = [o[3], o[4], o[5]];
  const normal = sliceNormal(o);
  const withPos = slices.map((s) => ({ s, d: dot(s.position!, normal) })).sort((a, b) => a.d - b.d);
  const n = withPos.length;
  for (let i = 1; i < n; i++) {
    if (Math.abs(withPos[i].d - withPos[i - 1].d) < 1e-4) {
      const all = Math.abs(withPos[n - 1].d - withPos[0].d) < 1e-4;
      throw bad(
        all
          ? `all ${n} slices are at one position; this is not a volume (time series or duplicates?)`
          : `${withPos[i - 1].s.name} and ${withPos[i].s.name} are at the same position (duplicate slices)`,
      );
    }
  }
  // spacing first: a missing slice also bends the first-to-last step, which would read as a tilt
  checkSliceSpacing(withPos, bad);
  let sorted = withPos.map((x) => x.s);
  const p0 = sorted[0].position!;
  const pn = sorted[n - 1].position!;
  const step = p0.map((v, a) => (pn[a] - v) / (n - 1));
  const stepLen = Math.hypot(step[0], step[1], step[2]);
  const tilt = (Math.acos(Math.min(1, Math.abs(dot(step, normal)) / stepLen)) * 180) / Math.PI;
  if (tilt > MAX_TILT_DEGREES) {
    throw bad(`gantry tilt / sheared stack (${tilt.toFixed(1)}° between slice step and slice normal) is not supported`, 'unsupported');
  }
  // dicom2nifti order: ascending along the world axis with the largest extent.
  const axis = [0, 1, 2].reduce((best, a) => (Math.abs(pn[a] - p0[a]) > Math.abs(pn[best] - p0[best]) ? a : best), 0);
  if (pn[axis] < p0[axis]) sorted = sorted.reverse();
  const pos = sorted[0].position!;
  const last = sorted[n - 1].position!;
  const k = pos.map((v, a) => (last[a] - v) / (n - 1));
  const [dRow, dCol] = first.pixelSpacing!;
  // LPS → RAS: negate x and y rows.
  const affine: Mat4 = [
    [-rowDir[0] * dCol, -colDir[0] * dRow, -k[0], -pos[0]],
    [-rowDir[1] * dCol, -colDir[1] * dRow, -k[1], -pos[1]],
    [rowDir[2] * dCol, colDir[2] * dRow, k[2], pos[2]],
    [0, 0, 0, 1],
  ];
  return { sorted, affine, rows: first.rows, columns: first.columns };
}

/**
 * Slices must be evenly spaced along the slice normal. The regular step is the median one (a gap
 * does not shift it, as it would an average); a step that is a whole multiple of it is reported as
 * missing slices, where and how many; any other step as irregular spacing.
 */
function checkSliceSpacing(withPos: { s: DicomSlice; d: number }[], bad: (problem: string) => AppError): void {
  const steps = withPos.slice(1).map((x, i) => x.d - withPos[i].d);
  const regular = medianOf(steps);
  const mm = (v: number) => `${v.toFixed(2)} mm`;
  for (const [i, gap] of steps.entries()) {
    if (Math.abs(gap - regular) <= STEP_TOLERANCE * regular) continue;
    const before = withPos[i];
    const after = withPos[i + 1];
    const where = `between ${before.s.name} and ${after.s.name} (slice positions ${mm(before.d)} and ${mm(after.d)} along the slice normal)`;
    const multiple = gap / regular;
    const missing = Math.round(multiple) - 1;
    if (missing >= 1 && Math.abs(multiple - Math.round(multiple)) <= STEP_TOLERANCE) {
      throw bad(
        `a gap in slice positions: ${mm(gap)} ${where}, where the other slices are ${mm(regular)} apart; ` +
          `${missing === 1 ? '1 slice is' : `${missing} slices are`} missing there (add ${missing === 1 ? 'it' : 'them'} and convert again)`,
      );
    }
    throw bad(`irregular slice spacing: ${mm(gap)} ${where}, where the other slices are ${mm(regular)} apart`);
  }
}

/** The slice normal (row direction × column direction) of an ImageOrientationPatient. */
export function sliceNormal(orientation: readonly number[]): number[] {
  return cross([orientation[0], orientation[1], orientation[2]], [orientation[3], orientation[4], orientation[5]]);
}

/** Where a slice lies along its normal, in mm: ImagePositionPatient projected on the slice normal (what slices are ordered and spaced by). */
export function slicePositionAlongNormal(position: readonly number[], orientation: readonly number[]): number {
  return dot(position, sliceNormal(orientation));
}

/**
 * The distance between slices, in mm, from their positions along the normal (any order): the median
 * step between neighbours, as the conversion measures it (a gap does not shift it); slices at one
 * position (duplicates) are counted once. Undefined with fewer than two positions.
 */
export function sliceSpacingOf(positions: readonly number[]): number | undefined {
  const sorted = [...positions].sort((a, b) => a - b);
  const steps = sorted
    .slice(1)
    .map((d, i) => d - sorted[i])
    .filter((step) => step >= 1e-4);
  return steps.length ? medianOf(steps) : undefined;
}

function medianOf(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
}

function cross(a: number[], b: number[]): number[] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function dot(a: readonly number[], b: readonly number[]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
