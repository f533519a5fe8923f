import type { Role } from '../auth/permissions';
import type { DbOrTx } from '../db';
import type { PresignedRecord } from './presign-image';
import { presignRunImages } from './presign-run-images';
import { findRunImageObjects } from './run-image-objects';
import { findRunReferenceMasks } from './run-reference-masks';
import type { RunImagesDto } from './schemas';

/**
 * The run page's viewer data: the de-identified volume and the serving mask, plus the shadow mask
 * for roles that may see shadow results (ADR-03: researchers never do), and the reference
 * segmentations of the run's series.
 */
export async function getRunImages(
  db: DbOrTx,
  p: { runId: string; projectId: string; role: Role | null; seeShadow: boolean; audit: PresignedRecord[] },
): Promise<RunImagesDto> {
  const objects = await findRunImageObjects(db, { runId: p.runId, projectId: p.projectId });
  const references = await findRunReferenceMasks(db, { runId: p.runId, projectId: p.projectId });
  return presignRunImages({ objects, role: p.role, projectId: p.projectId, withShadow: p.seeShadow, audit: p.audit, references });
}
