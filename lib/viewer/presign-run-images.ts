import type { Role } from '../auth/permissions';
import { presignImage, type PresignedRecord } from './presign-image';
import type { MaskObject, RunImageObjects } from './run-image-objects';
import type { RunImagesDto, ViewerMask } from './schemas';

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
  const link = (ref: RunImageObjects['volume']) => presignImage({ role: p.role, projectId: p.projectId, ref, audit: p.audit });
  const mask = async (m: MaskObject): Promise<ViewerMask> => ({
    id: m.id,
    role: m.role,
    model: m.model,
    version: m.version,
    labels: m.labels,
    ...(await link(m.ref)),
  });
  const masks = [p.objects.serving, ...(p.withShadow && p.objects.shadow ? [p.objects.shadow] : []), ...(p.references ?? [])];
  return { run: p.objects.runId, modality: p.objects.modality, volume: await link(p.objects.volume), masks: await Promise.all(masks.map(mask)) };
}
