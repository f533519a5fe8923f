import { AppError } from '@/lib/errors';
import { readNifti } from '@/lib/imaging/nifti/read-nifti';
import type { Volume } from '@/lib/imaging/volume';
import { compareLabelmaps } from '@/lib/metrics/compare-labelmaps';
import { parseModelSpec } from '@/lib/models/model-spec';
import { SERVING_INFER_TASK, SHADOW_INFER_TASK } from '@/lib/pipeline/definition';
import type { TStepInvocationOf, TStepResultOf } from '@/lib/pipeline/step-contract';
import { stepOutput } from '@/lib/pipeline/steps';
import { readChecked, writeOutput } from './step-io';

/**
 * compare: the shadow mask against the serving (live or canary) mask of the same run: Dice, HD95
 * and volume difference per label (lib/metrics), written as metrics.json; the platform records it
 * as the run's comparison, which promotion gates and reviewers read.
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
  const metrics = compareLabelmaps(
    mask(a, 'serving mask'),
    mask(b, 'shadow mask'),
    labels.filter((l) => l.value !== 0),
  );
  const out = await writeOutput(inv, 'metrics', new TextEncoder().encode(`${JSON.stringify(metrics, null, 2)}\n`));
  return { outputs: [out], info: { meanDice: metrics.meanDice, metrics } };
}
