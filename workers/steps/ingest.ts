import { AppError } from '@/lib/errors';
import { readDicomHeader } from '@/lib/imaging/dicom/read-dicom-header';
import { SopInstanceUids } from '@/lib/imaging/dicom/sop-instance-uids';
import { readNiftiHeader } from '@/lib/imaging/nifti/read-nifti-header';
import type { TStepInvocationOf, TStepResultOf } from '@/lib/pipeline/step-contract';
import { readChecked } from './step-io';

/**
 * ingest: every input object is read back and checked against the size and SHA-256 recorded when
 * it was uploaded, and its header parsed again (DICOM without pixel data, NIfTI): what the later
 * steps read is what was uploaded. Two different DICOM instances with one SOP Instance UID are
 * refused, naming both. It writes nothing (it may only read raw-phi/).
 */
export async function ingest(inv: TStepInvocationOf<'ingest'>): Promise<TStepResultOf<'ingest'>> {
  if (!inv.inputs.length) throw new AppError('invalid_input', 'ingest: the run has no input objects');
  let bytesChecked = 0;
  const uids = new SopInstanceUids();
  for (const [i, ref] of inv.inputs.entries()) {
    const bytes = await readChecked(ref, `input ${i + 1}`);
    if (bytes.byteLength !== ref.size) throw new AppError('checksum_mismatch', `input ${i + 1} (${ref.key}): ${bytes.byteLength} bytes, recorded ${ref.size}`);
    if (inv.kind === 'dicom') uids.add(readDicomHeader(bytes, `input ${i + 1}`).sopInstanceUid, ref.sha256, `input ${i + 1}`, 'ingest');
    else readNiftiHeader(bytes, `input ${i + 1}`);
    bytesChecked += bytes.byteLength;
  }
  return { outputs: [], info: { objects: inv.inputs.length, bytes: bytesChecked } };
}
