import { invertAffine } from '../imaging/nifti/mat4';
import type { Volume } from '../imaging/volume';

type Vec3 = readonly [number, number, number];

/** Where a series' voxels lie: voxel (i, j, k) is at origin + i·di + j·dj + k·dk, DICOM patient (LPS) mm. */
export interface SeriesGrid {
  dims: Vec3;
  origin: Vec3;
  di: Vec3;
  dj: Vec3;
  dk: Vec3;
}

/**
 * A NIfTI labelmap (its affine maps voxels to RAS+ mm) placed on a DICOM series' own voxels: each
 * series voxel takes the label of the labelmap voxel at the same patient position (nearest voxel;
 * 0 outside the labelmap). A labelmap made on the series' converted volume lands voxel for voxel,
 * whatever axes and directions the conversion chose. `landed` counts the labelled voxels that found
 * a place, of `labelled` in the labelmap (a labelmap of another series lands none).
 */
export function labelmapOnSeries(labelmap: Volume, grid: SeriesGrid): { voxels: Uint8Array; landed: number; labelled: number } {
  const [columns, rows, slices] = grid.dims;
  const [nx, ny, nz] = labelmap.dims;
  const inv = invertAffine(labelmap.affine);
  // LPS (x, y, z) is RAS (−x, −y, z); then into the labelmap's voxel indices
  const toIndex = (p: Vec3): [number, number, number] => {
    const r = [-p[0], -p[1], p[2]];
    return [0, 1, 2].map((a) => inv[a][0] * r[0] + inv[a][1] * r[1] + inv[a][2] * r[2] + inv[a][3]) as [number, number, number];
  };
  const step = (d: Vec3): [number, number, number] => {
    const a = toIndex([0, 0, 0]);
    const b = toIndex(d);
    return [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  };
  const o = toIndex(grid.origin);
  const [si, sj, sk] = [step(grid.di), step(grid.dj), step(grid.dk)];
  const voxels = new Uint8Array(columns * rows * slices);
  const source = labelmap.data;
  let landed = 0;
  let out = 0;
  for (let k = 0; k < slices; k++) {
    for (let j = 0; j < rows; j++) {
      let x = o[0] + j * sj[0] + k * sk[0];
      let y = o[1] + j * sj[1] + k * sk[1];
      let z = o[2] + j * sj[2] + k * sk[2];
      for (let i = 0; i < columns; i++, out++, x += si[0], y += si[1], z += si[2]) {
        const a = Math.round(x);
        const b = Math.round(y);
        const c = Math.round(z);
        if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny || c >= nz) continue;
        const v = source[a + nx * (b + ny * c)];
        if (v !== 0) {
          voxels[out] = v;
          landed++;
        }
      }
    }
  }
  let labelled = 0;
  for (let i = 0; i < source.length; i++) if (source[i] !== 0) labelled++;
  return { voxels, landed, labelled };
}
