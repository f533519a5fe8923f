/**
 * Registration's parity check: the bundle — the spec's preprocessing, the network, the postprocessing,
 * exactly as the pipeline runs them (workers/inference/segment-volume.ts) — must reproduce each
 * reference mask the operator gives (e.g. the mask the model's own toolkit wrote for that input),
 * label by label, with Dice ≥ spec.parity.minDice. Preprocessing mismatches (another orientation,
 * another intensity scaling) silently ruin results; this catches them before the version serves.
 */
import type { Volume } from '@/lib/imaging/volume';
import { countLabelOverlap, diceOfLabel } from '@/lib/metrics/dice';
import { AppError } from '@/lib/errors';
import type { LoadedModel } from '@/workers/inference/load-model';
import { segmentVolume } from '@/workers/inference/segment-volume';
import type { TModelSpec } from './model-spec';

/** what the bundle must reach on every label unless its spec says otherwise: the same computation, up to float rounding at label borders */
export const DEFAULT_MIN_DICE = 0.999;

export interface ParityReference {
  /** the file names, for messages and the evidence: "t1_crop.nii.gz → mask.nii.gz" */
  name: string;
  input: Volume;
  mask: Volume;
}

export interface ParityResult {
  name: string;
  /** Dice per label name */
  dice: Record<string, number>;
  /** voxels whose label differs from the reference */
  differingVoxels: number;
  voxels: number;
  passed: boolean;
}

export interface ParityEvidence {
  minDice: number;
  passed: boolean;
  references: ParityResult[];
}

export async function checkParity(p: { model: LoadedModel; spec: TModelSpec; references: ParityReference[] }): Promise<ParityEvidence> {
  const { spec } = p;
  const minDice = spec.parity?.minDice ?? DEFAULT_MIN_DICE;
  const results: ParityResult[] = [];
  for (const ref of p.references) {
    if (ref.mask.dims.join(',') !== ref.input.dims.join(',')) {
      throw new AppError(
        'invalid_input',
        `${ref.name}: the reference mask is ${ref.mask.dims.join('×')} voxels, its input ${ref.input.dims.join('×')}: a mask must be on its input's grid`,
        { file: ref.name },
      );
    }
    const out = await segmentVolume({ volume: ref.input, model: p.model, spec });
    const reference = Uint8Array.from(ref.mask.data, (v) => (v >= 0 && v <= 255 ? Math.round(v) : 255));
    const counts = countLabelOverlap(reference, out.labelmap.data);
    const dice: Record<string, number> = {};
    for (const l of spec.labels) dice[l.name] = Number(diceOfLabel(counts, l.value).toFixed(6));
    let same = 0;
    for (const l of spec.labels) same += counts.both[l.value];
    const differingVoxels = reference.length - same;
    results.push({ name: ref.name, dice, differingVoxels, voxels: reference.length, passed: Object.values(dice).every((d) => d >= minDice) });
  }
  return { minDice, passed: results.every((r) => r.passed), references: results };
}

/** "t1_crop.nii.gz → wrong.nii.gz: Dice background 0.9990, White Matter 0.9312 (< 0.999), …; 41,372 of 16,777,216 voxels differ" */
export function describeParityFailure(e: ParityEvidence): string {
  return e.references
    .filter((r) => !r.passed)
    .map(
      (r) =>
        `${r.name}: Dice ${Object.entries(r.dice)
          .map(([label, d]) => `${label} ${d.toFixed(4)}${d < e.minDice ? ` (< ${e.minDice})` : ''}`)
          .join(', ')}; ${r.differingVoxels.toLocaleString('en')} of ${r.voxels.toLocaleString('en')} voxels differ`,
    )
    .join(' · ');
}
