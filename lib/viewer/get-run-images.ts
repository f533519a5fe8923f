import type { Role } from '../auth/permissions';
import type { DbOrTx } from '../db';
import type { PresignedRecord } from './presign-image';
import { presignRunDicom } from './presign-run-dicom';
import { presignRunImages } from './presign-run-images';
import { findRunDicomObjects, hasRunDicom } from './run-dicom-objects';
import { findRunImageObjects } from './run-image-objects';
import { findRunReferenceMasks } from './run-reference-masks';
import type { RunDicomImagesDto, RunImagesDto } from './schemas';

type Args = { runId: string; projectId: string; role: Role | null; seeShadow: boolean; audit: PresignedRecord[] };

/**
 * The run page's viewer data: the de-identified volume and the serving mask, plus the shadow mask
 * for roles that may see shadow results (ADR-03: researchers never do), and the reference
 * segmentations of the run's series.
 */
export async function getRunImages(db: DbOrTx, p: Args): Promise<RunImagesDto> {
  const at = { runId: p.runId, projectId: p.projectId };
  const objects = await findRunImageObjects(db, at);
  const references = await findRunReferenceMasks(db, at);
  const links = await presignRunImages({ objects, role: p.role, projectId: p.projectId, withShadow: p.seeShadow, audit: p.audit, references });
  return { ...links, dicom: await hasRunDicom(db, at) };
}

/**
 * A run on a DICOM series, natively: its de-identified instances and the DICOM SEG of the serving
 * model (and the shadow's, for roles that may see it) — what a researcher would send to PACS — and
 * the series' reference segmentations.
 */
export async function getRunDicomImages(db: DbOrTx, p: Args): Promise<RunDicomImagesDto> {
  const at = { runId: p.runId, projectId: p.projectId };
  const { modality } = await findRunImageObjects(db, at);
  const objects = await findRunDicomObjects(db, at);
  const references = await findRunReferenceMasks(db, at);
  return presignRunDicom({ objects, modality, role: p.role, projectId: p.projectId, withShadow: p.seeShadow, audit: p.audit, references });
}
