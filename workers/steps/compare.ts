import { AppError } from '@/lib/errors';
import { readNifti } from '@/lib/imaging/nifti/read-nifti';
import type { Volume } from '@/lib/imaging/volume';
import { writeNifti } from '@/lib/imaging/nifti/write-nifti';
import { compareLabelmaps } from '@/lib/metrics/compare-labelmaps';
import { maskDifference } from '@/lib/metrics/mask-difference';
import { parseModelSpec } from '@/lib/models/model-spec';
import { SERVING_INFER_TASK, SHADOW_INFER_TASK } from '@/lib/pipeline/definition';
import type { TStepInvocationOf, TStepResultOf } from '@/lib/pipeline/step-contract';
import { stepOutput } from '@/lib/pipeline/steps';
import { readChecked, writeOutput } from './step-io';

/**
 * compare: the shadow mask against the serving (live or canary) mask of the same run: Dice, HD95
 * and volume difference per label (lib/metrics), written as metrics.json; the platform records it
 * as the run's comparison, which promotion gates and reviewers read. It also writes the per-voxel
 * difference labelmap (diff.nii.gz) and the differing voxels per slice (disagreement.json) that the
 * review viewer's diff mode shows (lib/metrics/mask-difference.ts). All three are deterministic, so a
 * retried attempt writes the same bytes.
 */
export async function compare(inv: TStepInvocationOf<'compare'>): Promise<TStepResultOf<'compare'>> {
  const serving = stepOutput(inv.upstream[SERVING_INFER_TASK], 'infer', 'mask');
  const shadow = stepOutput(inv.upstream[SHADOW_INFER_TASK], 'infer', 'mask');
  if (!serving || !shadow) throw new AppError('invalid_input', 'compare: needs the serving and the shadow mask');
  const labels = parseModelSpec(inv.params.labelsFrom, 'serving model spec').labels;
  const [a, b] = await Promise.all([readChecked(serving, 'serving mask'), readChecked(shadow, 'shadow mask')]);
  const mask = (bytes: Uint8Array, what: string): Volume<Uint8Array> => {
    const v = readNifti(bytes, what);
    if (!(v.data instanceof Uint8Array)) throw new AppError('invalid_input', `compare: the ${what} is ${v.data.constructor.name}, expected an 8-bit labelmap`);
    return v as Volume<Uint8Array>;
  };
  const live = mask(a, 'serving mask');
  const shadowMask = mask(b, 'shadow mask');
  const compared = labels.filter((l) => l.value !== 0);
  const metrics = compareLabelmaps(live, shadowMask, compared);
  const { diff, profile } = maskDifference(live, shadowMask, compared);
  const json = (v: unknown) => new TextEncoder().encode(`${JSON.stringify(v, null, 2)}\n`);
  const outputs = [
    await writeOutput(inv, 'metrics', json(metrics)),
    await writeOutput(inv, 'diff', writeNifti(diff, { gzip: true, intent: 'label', description: 'segflow live-vs-shadow difference' })),
    await writeOutput(inv, 'profile', json(profile)),
  ];
  return { outputs, info: { meanDice: metrics.meanDice, metrics } };
}
