import type { Role } from '../auth/permissions';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import type { PresignedRecord } from '../viewer/presign-image';
import { presignRunImages } from '../viewer/presign-run-images';
import { findRunImageObjects } from '../viewer/run-image-objects';
import type { RunImagesDto } from '../viewer/schemas';

/**
 * Links for one review case: the run's de-identified volume, the live (serving) mask and the shadow
 * mask. Every link passes the bucket's access rules for the reviewer's role, so a reviewer can only
 * ever be handed derived/ objects of the case's own project.
 */
export async function getReviewImages(db: DbOrTx, p: { runId: string; projectId: string; role: Role | null; audit: PresignedRecord[] }): Promise<RunImagesDto> {
  const objects = await findRunImageObjects(db, { runId: p.runId, projectId: p.projectId });
  if (!objects.shadow) throw new AppError('not_found', `run ${p.runId} has no shadow mask to review`);
  return presignRunImages({ objects, role: p.role, projectId: p.projectId, withShadow: true, audit: p.audit });
}
