/**
 * The compare step's per-voxel difference of the serving ("live") and the shadow labelmap, and the
 * disagreement profile along the slice axis, so that viewers show where the masks differ without
 * recomputing it in the browser.
 *
 * The difference labelmap (uint8, on the masks' grid, all labels at once):
 *   0  neither mask labels the voxel (both background)
 *   1  agreement: both give it the same label
 *   2  live-only: the live mask labels it, the shadow mask calls it background
 *   3  shadow-only: the shadow mask labels it, the live mask calls it background
 *   4  label differs: both label it, with different labels (e.g. white vs grey matter)
 * Per-label disagreement is in the profile: for label L, the voxels where exactly one mask says L
 * (a "label differs" voxel counts for both of its labels).
 */
import { z } from 'zod';
import type { Volume } from '@/lib/imaging/volume';
import { assertSameGrid } from './compare-labelmaps';

export const DIFF_VALUES = { none: 0, agree: 1, liveOnly: 2, shadowOnly: 3, labelDiffers: 4 } as const;
export type DiffClass = keyof typeof DIFF_VALUES;

export const ZDisagreementProfile = z.object({
  schemaVersion: z.literal(1),
  /** the voxel axis (0 = i, 1 = j, 2 = k) the slices are taken across: the one closest to the patient's S–I axis */
  axis: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  orientation: z.enum(['axial', 'coronal', 'sagittal']),
  slices: z.number().int().positive(),
  /** per slice, voxels whose label differs between the masks */
  total: z.array(z.number().int().nonnegative()),
  /** per label, per slice, voxels where exactly one mask gives this label */
  labels: z.array(z.object({ value: z.number().int().min(1).max(255), name: z.string(), counts: z.array(z.number().int().nonnegative()) })),
  /** voxels of the whole volume per class of the difference labelmap */
  voxels: z.object({ agree: z.number().int(), liveOnly: z.number().int(), shadowOnly: z.number().int(), labelDiffers: z.number().int() }),
});
export type TDisagreementProfile = z.infer<typeof ZDisagreementProfile>;

const ORIENTATION_OF_AXIS_ALONG = ['sagittal', 'coronal', 'axial'] as const; // world x (R–L), y (A–P), z (S–I)

/** The voxel axis whose direction is closest to world axis `world` (0 x, 1 y, 2 z), preferring z for slices. */
export function sliceAxisOf(affine: Volume['affine']): { axis: 0 | 1 | 2; orientation: TDisagreementProfile['orientation'] } {
  const cosine = (voxelAxis: number, world: number) => {
    const col = [affine[0][voxelAxis], affine[1][voxelAxis], affine[2][voxelAxis]];
    return Math.abs(col[world]) / (Math.hypot(...col) || 1);
  };
  const axes = [0, 1, 2] as const;
  const axis = axes.reduce((best, a) => (cosine(a, 2) > cosine(best, 2) ? a : best), 0 as 0 | 1 | 2);
  const world = [0, 1, 2].reduce((best, w) => (cosine(axis, w) > cosine(axis, best) ? w : best), 0);
  return { axis, orientation: ORIENTATION_OF_AXIS_ALONG[world] };
}

export function maskDifference(
  live: Volume<Uint8Array>,
  shadow: Volume<Uint8Array>,
  labels: readonly { value: number; name: string }[],
): { diff: Volume<Uint8Array>; profile: TDisagreementProfile } {
  assertSameGrid(live, shadow);
  const [nx, ny, nz] = live.dims;
  const { axis, orientation } = sliceAxisOf(live.affine);
  const slices = live.dims[axis];
  const total = new Array<number>(slices).fill(0);
  const labelIndex = new Int16Array(256).fill(-1);
  labels.forEach((l, i) => {
    labelIndex[l.value] = i;
  });
  const perLabel = labels.map(() => new Array<number>(slices).fill(0));
  const voxels = { agree: 0, liveOnly: 0, shadowOnly: 0, labelDiffers: 0 };
  const out = new Uint8Array(live.data.length);
  const a = live.data;
  const b = shadow.data;
  let n = 0;
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, n++) {
        const l = a[n];
        const s = b[n];
        if (l === s) {
          if (l !== 0) {
            out[n] = DIFF_VALUES.agree;
            voxels.agree++;
          }
          continue;
        }
        const slice = axis === 0 ? x : axis === 1 ? y : z;
        total[slice]++;
        if (l !== 0 && labelIndex[l] >= 0) perLabel[labelIndex[l]][slice]++;
        if (s !== 0 && labelIndex[s] >= 0) perLabel[labelIndex[s]][slice]++;
        if (s === 0) {
          out[n] = DIFF_VALUES.liveOnly;
          voxels.liveOnly++;
        } else if (l === 0) {
          out[n] = DIFF_VALUES.shadowOnly;
          voxels.shadowOnly++;
        } else {
          out[n] = DIFF_VALUES.labelDiffers;
          voxels.labelDiffers++;
        }
      }
  return {
    diff: { dims: [...live.dims], spacing: [...live.spacing], affine: live.affine.map((r) => [...r]) as Volume['affine'], data: out },
    profile: {
      schemaVersion: 1,
      axis,
      orientation,
      slices,
      total,
      labels: labels.map((l, i) => ({ value: l.value, name: l.name, counts: perLabel[i] })),
      voxels,
    },
  };
}
