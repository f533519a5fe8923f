/**
 * How the viewer's three planes lie on a volume. Each plane is cut along one of the volume's own
 * axes, the one closest to the patient's axial, sagittal or coronal normal, so an oblique series
 * (a tilted axial MR) is shown slice by slice as it was acquired: its axial pane has exactly as many
 * slices as the series has instances, in their order, instead of the slices of a world-aligned box
 * around it (24 instances showed as "17 / 32"). Pure geometry, shared by the viewer and its tests.
 */
export type Plane = 'axial' | 'sagittal' | 'coronal';
export const PLANES: readonly Plane[] = ['axial', 'sagittal', 'coronal'];

type Vec3 = [number, number, number];

/** Cornerstone's camera for each plane of a world-aligned volume (its MPR_CAMERA_VALUES). */
const WORLD: Record<Plane, { viewPlaneNormal: Vec3; viewUp: Vec3 }> = {
  axial: { viewPlaneNormal: [0, 0, -1], viewUp: [0, -1, 0] },
  sagittal: { viewPlaneNormal: [1, 0, 0], viewUp: [0, 0, 1] },
  coronal: { viewPlaneNormal: [0, -1, 0], viewUp: [0, 0, 1] },
};

/** The patient axis a plane's slice position is read along (x: sagittal, y: coronal, z: axial). */
export const PLANE_AXIS: Record<Plane, 0 | 1 | 2> = { sagittal: 0, coronal: 1, axial: 2 };

function dot(a: readonly number[], b: readonly number[]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/**
 * The volume axis (0: columns i, 1: rows j, 2: slices k) nearest to `target`, signed to point the
 * same way, among the axes not in `exclude`.
 */
function nearestAxis(axes: Vec3[], target: Vec3, exclude: number[]): { axis: number; vector: Vec3 } {
  let best = -1;
  let score = -1;
  axes.forEach((a, i) => {
    if (exclude.includes(i)) return;
    const s = Math.abs(dot(a, target));
    if (s > score) {
      score = s;
      best = i;
    }
  });
  const a = axes[best];
  const sign = dot(a, target) < 0 ? -1 : 1;
  // + 0 turns -0 into 0
  return { axis: best, vector: [a[0] * sign + 0, a[1] * sign + 0, a[2] * sign + 0] };
}

/** The volume's axes as unit vectors, from its 3×3 direction (row-major: i, j, k axes, as Cornerstone stores it). */
export function volumeAxes(direction: ArrayLike<number>): Vec3[] {
  return [0, 1, 2].map((r) => {
    const v: Vec3 = [direction[r * 3], direction[r * 3 + 1], direction[r * 3 + 2]];
    const n = Math.hypot(...v) || 1;
    return [v[0] / n, v[1] / n, v[2] / n];
  });
}

export interface PlaneOrientation {
  viewPlaneNormal: Vec3;
  viewUp: Vec3;
  /** the volume axis the plane steps along: its slice count is dimensions[sliceAxis] */
  sliceAxis: number;
}

/** The camera orientation of one plane on a volume with this direction matrix. */
export function planeOrientation(plane: Plane, direction: ArrayLike<number>): PlaneOrientation {
  const axes = volumeAxes(direction);
  const normal = nearestAxis(axes, WORLD[plane].viewPlaneNormal, []);
  const up = nearestAxis(axes, WORLD[plane].viewUp, [normal.axis]);
  return { viewPlaneNormal: normal.vector, viewUp: up.vector, sliceAxis: normal.axis };
}

/** How many slices a plane has on a volume: the volume's size along the axis the plane steps along. */
export function planeSliceCount(plane: Plane, direction: ArrayLike<number>, dimensions: readonly number[]): number {
  return dimensions[planeOrientation(plane, direction).sliceAxis];
}
