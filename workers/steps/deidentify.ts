import { gzipSync } from 'node:zlib';
import { config } from '@/lib/config';
import { AppError } from '@/lib/errors';
import { dicomIndexFacts, type TDicomIndexFacts } from '@/lib/dicomweb/index-facts';
import { deidentifyInstance, type DeidentifyOptions } from '@/lib/imaging/dicom/deidentify-instance';
import { SopInstanceUids } from '@/lib/imaging/dicom/sop-instance-uids';
import { readNifti } from '@/lib/imaging/nifti/read-nifti';
import { writeNifti } from '@/lib/imaging/nifti/write-nifti';
import type { TStepInvocationOf, TStepOutput, TStepResultOf } from '@/lib/pipeline/step-contract';
import { DEID_SECRET_ENV } from './deid-secret';
import { readChecked, writeOutput } from './step-io';

/**
 * deidentify: the non-PHI copy the rest of the pipeline reads.
 * - DICOM: every instance through the PS3.15 Basic Profile with the project's options and secret
 *   (same input UID → same output UID, references kept). Instances likely to carry burned-in text
 *   are held back (counted, with their reasons); if none is left the step fails. Two different
 *   instances with one SOP Instance UID fail the step (as in ingest); the same bytes twice are
 *   written once.
 * - NIfTI: the volume is written anew (voxels, geometry): free-text header fields (descrip,
 *   aux_file, intent_name, db_name) and extensions, which can carry DICOM headers, are dropped.
 */
export async function deidentify(inv: TStepInvocationOf<'deidentify'>): Promise<TStepResultOf<'deidentify'>> {
  const secret = config().steps.deidSecret;
  if (!secret) throw new AppError('invalid_input', `deidentify: ${DEID_SECRET_ENV} is not set`);
  const outputs: TStepOutput[] = [];
  if (inv.kind === 'nifti') {
    if (inv.inputs.length !== 1) throw new AppError('invalid_input', `deidentify: a NIfTI run has one input, not ${inv.inputs.length}`);
    const volume = readNifti(await readChecked(inv.inputs[0], 'input volume'), 'input volume');
    outputs.push(await writeOutput(inv, 'volume', gzipSync(writeNifti(volume), { level: 6 })));
    return { outputs, info: { kind: 'nifti' } };
  }
  const options: DeidentifyOptions = { ...(inv.params.deidOptions as Partial<DeidentifyOptions>), secret };
  const held: { input: number; reason: string }[] = [];
  const dicom: TDicomIndexFacts[] = [];
  const uids = new SopInstanceUids();
  for (const [i, ref] of inv.inputs.entries()) {
    const result = deidentifyInstance(await readChecked(ref, `instance ${i + 1}`), `instance ${i + 1}`, options);
    if (result.status === 'quarantined') {
      held.push({ input: i + 1, reason: result.reason });
      continue;
    }
    // the new UID stands for the old one (one-to-one under the project's secret)
    if (uids.add(result.sopInstanceUid, ref.sha256, `instance ${i + 1}`, 'deidentify').copyOf) continue;
    const out = await writeOutput(inv, 'instance', result.bytes, i + 1);
    outputs.push(out);
    dicom.push(dicomIndexFacts(result.bytes, out.name));
  }
  if (!outputs.length) throw new AppError('invalid_input', `deidentify: every instance was held back (${held[0]?.reason ?? 'no instances'})`);
  return { outputs, info: { kind: 'dicom', instances: outputs.length, heldBack: held, dicom } };
}
