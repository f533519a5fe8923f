import { route } from '@/lib/auth/route';
import { can } from '@/lib/auth/permissions';
import { projectOfRun } from '@/lib/runs/get-run';
import { ZRunRef } from '@/lib/runs/schemas';
import type { PresignedRecord } from '@/lib/viewer/presign-image';
import { getRunImages } from '@/lib/viewer/get-run-images';

/**
 * Short-lived links to a run's de-identified volume and masks (with their label tables) for the
 * viewer; the shadow mask only for roles that may see shadow results. 404 until the images exist.
 */
export const GET = route(
  { action: 'run.images', permission: 'run:read', input: ZRunRef, project: (i, db) => projectOfRun(db, i.run), target: (i) => ({ type: 'run', id: i.run }) },
  async (ctx) => {
    const presigned: PresignedRecord[] = [];
    ctx.auditDetails.presigned = presigned;
    return getRunImages(ctx.tx, {
      runId: ctx.input.run,
      projectId: ctx.project!.id,
      role: ctx.role,
      seeShadow: can(ctx.role, 'promotion:read'),
      audit: presigned,
    });
  },
);
