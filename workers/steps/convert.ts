import { gzipSync } from 'node:zlib';
import { seriesToVolume } from '@/lib/imaging/dicom/series-to-volume';
import { writeNifti } from '@/lib/imaging/nifti/write-nifti';
import type { TStepInvocationOf, TStepResultOf } from '@/lib/pipeline/step-contract';
import { stepOutput, stepOutputs } from '@/lib/pipeline/steps';
import { readChecked, writeOutput } from './step-io';

/**
 * convert: the de-identified DICOM series to one volume with its geometry (orientation, spacing,
 * slice order: lib/imaging/dicom/series-to-volume.ts); a NIfTI input is already a volume and its
 * de-identified copy passes through as `volume.nii.gz`.
 */
export async function convert(inv: TStepInvocationOf<'convert'>): Promise<TStepResultOf<'convert'>> {
  const deid = inv.upstream.deidentify ?? [];
  if (inv.kind === 'nifti') {
    const volume = stepOutput(deid, 'deidentify', 'volume');
    if (!volume) throw new Error('convert: deidentify wrote no volume.nii.gz');
    return { outputs: [volume], info: { passedThrough: true } };
  }
  const files = await Promise.all(
    stepOutputs(deid, 'deidentify', 'instance').map(async (o) => ({ name: o.name, bytes: await readChecked(o, `de-identified ${o.name}`) })),
  );
  const volume = await seriesToVolume(files, 'the de-identified series');
  const out = await writeOutput(inv, 'volume', gzipSync(writeNifti(volume), { level: 6 }));
  return { outputs: [out], info: { dims: volume.dims, spacing: volume.spacing.map((s) => Number(s.toFixed(4))) } };
}
