import { nonImageKind } from '../imaging/dicom/non-image-modalities';
import { and, eq } from 'drizzle-orm';
import { series, studyReferences } from '@/db/schema';
import type { Tx } from '../db';
import { AppError } from '../errors';
import { createUpload } from '../uploads/create-upload';

/**
 * Opens an upload for a reference segmentation of one series of a study: the file then goes through
 * the ordinary upload flow (presigned PUT to raw-phi/, then complete), where it is checked against
 * the series and de-identified (accept-reference.ts) instead of becoming a series of its own.
 */
export async function createReferenceUpload(
  tx: Tx,
  p: { projectId: string; userId: string; studyId: string; seriesId: string },
): Promise<{ referenceId: string; uploadId: string; studyId: string }> {
  const [target] = await tx
    .select({ id: series.id, kind: series.kind, modality: series.modality })
    .from(series)
    .where(and(eq(series.id, p.seriesId), eq(series.studyId, p.studyId), eq(series.projectId, p.projectId)))
    .limit(1);
  if (!target) throw new AppError('not_found', `series ${p.seriesId} is not a series of study ${p.studyId}`);
  // a reference segments images: not a SEG, a report or a structure set (as the study page offers)
  const notImages = target.kind === 'dicom' ? nonImageKind(target.modality) : null;
  if (notImages) throw new AppError('invalid_input', `series ${p.seriesId} is ${notImages}, not images a reference can segment`, { field: 'series' });
  const up = await createUpload(tx, { projectId: p.projectId, userId: p.userId, studyId: p.studyId });
  const [ref] = await tx
    .insert(studyReferences)
    .values({ projectId: p.projectId, studyId: p.studyId, seriesId: target.id, uploadId: up.uploadId, createdBy: p.userId })
    .returning({ id: studyReferences.id });
  return { referenceId: ref.id, uploadId: up.uploadId, studyId: p.studyId };
}
