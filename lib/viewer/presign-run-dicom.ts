import type { Role } from '../auth/permissions';
import { presignImage, presignMask, type PresignedRecord } from './presign-image';
import type { MaskObject } from './run-image-objects';
import type { RunDicomObjects } from './run-dicom-objects';
import type { RunDicomImagesDto } from './schemas';

/**
 * Links for a native DICOM view: every de-identified instance and the SEG(s). Each link passes the
 * bucket's access rules for the caller's role (a reviewer is never handed a raw-phi/ key) and is
 * named in the request's audit event; the shadow SEG only `withShadow`; the series' references as
 * their NIfTI labelmaps.
 */
export async function presignRunDicom(p: {
  objects: RunDicomObjects;
  modality: string | null;
  role: Role | null;
  projectId: string;
  withShadow: boolean;
  audit: PresignedRecord[];
  /** reference segmentations of the run's series (run-reference-masks.ts): NIfTI labelmaps */
  references?: MaskObject[];
}): Promise<RunDicomImagesDto> {
  const link = (ref: RunDicomObjects['instances'][number]) => presignImage({ role: p.role, projectId: p.projectId, ref, audit: p.audit });
  const mask = (m: MaskObject) => presignMask({ role: p.role, projectId: p.projectId, mask: m, audit: p.audit });
  const instances = [];
  for (const ref of p.objects.instances) instances.push(await link(ref));
  const segs = [p.objects.serving, ...(p.withShadow && p.objects.shadow ? [p.objects.shadow] : [])];
  return {
    run: p.objects.runId,
    format: 'dicom',
    modality: p.modality,
    instances,
    masks: await Promise.all(segs.map(mask)),
    references: await Promise.all((p.references ?? []).map(mask)),
  };
}
