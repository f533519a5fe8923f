/**
 * The "compare" step's math: per-label agreement between the live model's labelmap and the shadow
 * model's on the same grid (Dice, HD95, ASSD, volumes). The result is stored as-is in the database and the
 * run manifest, so its shape is the zod schema below.
 */
import { z } from 'zod';
import { AppError } from '@/lib/errors';
import { SAME_GRID_TOLERANCE, sameAffine } from '@/lib/imaging/nifti/mat4';
import type { Volume } from '@/lib/imaging/volume';
import { countLabelOverlap, diceOfLabel } from './dice';
import { measureSurfaceDistances } from './surface-distance';
import { measureVolumeDifference, voxelVolumeMl } from './volume-difference';

export const ZLabelComparison = z.object({
  value: z.number().int().min(0).max(255),
  name: z.string().min(1),
  /** 1 when the label is in neither mask, 0 when in exactly one */
  dice: z.number().min(0).max(1),
  /** max of the two directed 95th-percentile surface distances (MONAI); 0 in neither mask, null in one */
  hd95Mm: z.number().nonnegative().nullable(),
  /** average symmetric surface distance; 0 in neither mask, null in exactly one */
  assdMm: z.number().nonnegative().nullable(),
  liveMl: z.number().nonnegative(),
  shadowMl: z.number().nonnegative(),
  /** shadow − live */
  volumeDiffMl: z.number(),
  /** 100 × (shadow − live) / live; 0 when both are empty, null when only live is */
  volumeDiffPct: z.number().nullable(),
});
export type TLabelComparison = z.infer<typeof ZLabelComparison>;

export const ZMaskComparison = z.object({
  labels: z.array(ZLabelComparison).min(1),
  /** mean of the per-label Dice over the labels compared */
  meanDice: z.number().min(0).max(1),
});
export type TMaskComparison = z.infer<typeof ZMaskComparison>;

export function compareLabelmaps(live: Volume<Uint8Array>, shadow: Volume<Uint8Array>, labels: readonly { value: number; name: string }[]): TMaskComparison {
  assertSameGrid(live, shadow);
  if (labels.length === 0) throw new AppError('invalid_input', 'no labels to compare');
  for (const l of labels)
    if (!Number.isInteger(l.value) || l.value < 0 || l.value > 255)
      throw new AppError('invalid_input', `label "${l.name}" has value ${l.value}; labelmap values are integers 0..255`);

  const counts = countLabelOverlap(live.data, shadow.data);
  const distances = measureSurfaceDistances(
    live,
    shadow,
    labels.map((l) => l.value),
  );
  const voxelMl = voxelVolumeMl(live.affine);
  const rows = labels.map(
    ({ value, name }, i): TLabelComparison => ({
      value,
      name,
      dice: diceOfLabel(counts, value),
      ...distances[i],
      ...measureVolumeDifference(counts.live[value], counts.shadow[value], voxelMl),
    }),
  );
  const meanDice = rows.reduce((s, r) => s + r.dice, 0) / rows.length;
  return { labels: rows, meanDice };
}

/** Throws naming every way the two grids differ (dims, data length, spacing, affine). */
export function assertSameGrid(live: Volume<Uint8Array>, shadow: Volume<Uint8Array>): void {
  const problems: string[] = [];
  if (live.dims.some((n, i) => n !== shadow.dims[i])) problems.push(`dims differ (live ${live.dims.join('×')}, shadow ${shadow.dims.join('×')})`);
  const voxels = (v: Volume<Uint8Array>) => v.dims[0] * v.dims[1] * v.dims[2];
  for (const [which, v] of [
    ['live', live],
    ['shadow', shadow],
  ] as const)
    if (v.data.length !== voxels(v)) problems.push(`${which} data has ${v.data.length} voxels, its dims ${v.dims.join('×')} need ${voxels(v)}`);
  if (live.spacing.some((s, i) => !(Math.abs(s - shadow.spacing[i]) <= SAME_GRID_TOLERANCE)))
    problems.push(`spacing differs (live [${live.spacing.join(', ')}] mm, shadow [${shadow.spacing.join(', ')}] mm)`);
  if (!sameAffine(live.dims, live.affine, shadow.affine))
    problems.push(
      `affine differs: some voxel lies more than ${SAME_GRID_TOLERANCE} mm from where the other grid puts it (live ${JSON.stringify(live.affine)}, shadow ${JSON.stringify(shadow.affine)})`,
    );
  if (problems.length > 0) throw new AppError('invalid_input', `live and shadow labelmaps are not on the same grid: ${problems.join('; ')}`, { problems });
}
