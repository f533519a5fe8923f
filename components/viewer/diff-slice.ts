import type { Mat4 } from '@/lib/imaging/volume';

/**
 * One slice of a voxel grid across `axis` as a 2D image: which voxel axes run along the image's
 * columns and rows, and whether each is flipped, so that the picture is in the radiological
 * convention (patient's right on the left, anterior or superior up) whatever the grid's orientation.
 */
export interface SlicePlane {
  width: number;
  height: number;
  /** voxel index of image pixel (col, row) on slice `slice` */
  voxel: (slice: number, col: number, row: number) => number;
}

export function slicePlane(dims: readonly [number, number, number], affine: Mat4, axis: 0 | 1 | 2): SlicePlane {
  const inPlane = ([0, 1, 2] as const).filter((a) => a !== axis);
  const dir = (a: number) => [affine[0][a], affine[1][a], affine[2][a]];
  // columns: the in-plane axis closest to world x (R–L); rows: the other one
  const [colAxis, rowAxis] = Math.abs(dir(inPlane[0])[0]) >= Math.abs(dir(inPlane[1])[0]) ? inPlane : [inPlane[1], inPlane[0]];
  // x grows toward the patient's left on screen (RAS+ x points right): flip when the axis points right
  const flipCol = dir(colAxis)[0] > 0;
  // rows go down the screen: flip when the row axis points up (anterior or superior, whichever it is closest to)
  const rowDir = dir(rowAxis);
  const up = Math.abs(rowDir[2]) >= Math.abs(rowDir[1]) ? rowDir[2] : rowDir[1];
  const flipRow = up > 0;
  const stride = [1, dims[0], dims[0] * dims[1]];
  const width = dims[colAxis];
  const height = dims[rowAxis];
  return {
    width,
    height,
    voxel: (slice, col, row) =>
      slice * stride[axis] + (flipCol ? width - 1 - col : col) * stride[colAxis] + (flipRow ? height - 1 - row : row) * stride[rowAxis],
  };
}

/** Grey levels of a volume: the 1st and 99th percentile (of a sample) map to black and white. */
export function greyWindow(data: ArrayLike<number>): { low: number; high: number } {
  const step = Math.max(1, Math.floor(data.length / 200_000));
  const sample: number[] = [];
  for (let i = 0; i < data.length; i += step) sample.push(data[i]);
  sample.sort((a, b) => a - b);
  const low = sample[Math.floor(sample.length * 0.01)] ?? 0;
  const high = sample[Math.floor(sample.length * 0.99)] ?? 1;
  return { low, high: high > low ? high : low + 1 };
}

/**
 * The RGBA pixels of one slice: the volume in grey, with each labelled voxel of `labels` drawn in
 * its colour from `lut` (null: not drawn) at `alpha` (1: opaque), or at its value's `alphas` entry.
 */
export function renderSlice(p: {
  plane: SlicePlane;
  slice: number;
  volume: ArrayLike<number>;
  window: { low: number; high: number };
  labels: ArrayLike<number> | null;
  lut: readonly ([number, number, number] | null)[];
  alpha: number;
  alphas?: readonly number[];
}): Uint8ClampedArray<ArrayBuffer> {
  const { width, height } = p.plane;
  const out = new Uint8ClampedArray(width * height * 4);
  const scale = 255 / (p.window.high - p.window.low);
  for (let row = 0; row < height; row++)
    for (let col = 0; col < width; col++) {
      const v = p.plane.voxel(p.slice, col, row);
      const g = (p.volume[v] - p.window.low) * scale;
      const o = (row * width + col) * 4;
      const value = p.labels ? p.labels[v] : 0;
      const c = p.labels ? p.lut[value] : null;
      if (c) {
        const a = p.alphas?.[value] ?? p.alpha;
        out[o] = c[0] * a + g * (1 - a);
        out[o + 1] = c[1] * a + g * (1 - a);
        out[o + 2] = c[2] * a + g * (1 - a);
      } else {
        out[o] = g;
        out[o + 1] = g;
        out[o + 2] = g;
      }
      out[o + 3] = 255;
    }
  return out;
}

/** The pixels (col, row) of a slice whose value is one of `values`, at most `limit` (null beyond it). */
export function pixelsWith(
  plane: SlicePlane,
  slice: number,
  labels: ArrayLike<number>,
  values: ReadonlySet<number>,
  limit: number,
): [number, number, number][] | null {
  const out: [number, number, number][] = [];
  for (let row = 0; row < plane.height; row++)
    for (let col = 0; col < plane.width; col++) {
      const value = labels[plane.voxel(slice, col, row)];
      if (!values.has(value)) continue;
      if (out.length === limit) return null;
      out.push([col, row, value]);
    }
  return out;
}
