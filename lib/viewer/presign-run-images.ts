import type { Role } from '../auth/permissions';
import { presignImage, presignMask, type PresignedRecord } from './presign-image';
import type { MaskObject, RunImageObjects } from './run-image-objects';
import type { RunImagesDto } from './schemas';

/**
 * Links for a run's volume and masks. The shadow mask is included only when `withShadow` (roles
 * that may see shadow results, and reviewers comparing cases); every link passes the access rules.
 */
export async function presignRunImages(p: {
  objects: RunImageObjects;
  role: Role | null;
  projectId: string;
  withShadow: boolean;
  audit: PresignedRecord[];
  /** reference segmentations of the run's series (run-reference-masks.ts), drawn as further masks */
  references?: MaskObject[];
}): Promise<RunImagesDto> {
  const mask = (m: MaskObject) => presignMask({ role: p.role, projectId: p.projectId, mask: m, audit: p.audit });
  const masks = [p.objects.serving, ...(p.withShadow && p.objects.shadow ? [p.objects.shadow] : []), ...(p.references ?? [])];
  return {
    run: p.objects.runId,
    modality: p.objects.modality,
    volume: await presignImage({ role: p.role, projectId: p.projectId, ref: p.objects.volume, audit: p.audit }),
    masks: await Promise.all(masks.map(mask)),
  };
}
