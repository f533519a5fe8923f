import { route } from '@/lib/auth/route';
import { can } from '@/lib/auth/permissions';
import { projectOfRun } from '@/lib/runs/get-run';
import type { PresignedRecord } from '@/lib/viewer/presign-image';
import { getRunDicomImages, getRunImages } from '@/lib/viewer/get-run-images';
import { ZRunImagesQuery } from '@/lib/viewer/run-images-query';

/**
 * Short-lived links to a run's de-identified volume and masks (with their label tables) for the
 * viewer; the shadow mask only for roles that may see shadow results. 404 until the images exist.
 * `?format=dicom`: the de-identified DICOM instances and the runs' DICOM SEGs (a run on a DICOM series).
 */
export const GET = route(
  {
    action: 'run.images',
    permission: 'run:read',
    input: ZRunImagesQuery,
    project: (i, db) => projectOfRun(db, i.run),
    target: (i) => ({ type: 'run', id: i.run }),
  },
  async (ctx) => {
    const presigned: PresignedRecord[] = [];
    ctx.auditDetails.presigned = presigned;
    const args = { runId: ctx.input.run, projectId: ctx.project!.id, role: ctx.role, seeShadow: can(ctx.role, 'promotion:read'), audit: presigned };
    return ctx.input.format === 'dicom' ? getRunDicomImages(ctx.tx, args) : getRunImages(ctx.tx, args);
  },
);
