import type { MatrixRow } from './endpoint-matrix';
import { seedUploadedFile } from './seed-uploaded-file';

/** Rows of the reference-segmentation endpoints (kept apart so parallel work does not edit one file); added by endpoint-matrix.ts. */
export function addReferenceRows(matrix: Record<string, MatrixRow>): void {
  matrix['app/api/studies/[study]/references/route.ts#GET'] = {
    permission: 'study:read',
    allowed: ['researcher', 'admin'],
    projectScoped: true,
    input: async (db, project) => {
      const { studyId } = await seedUploadedFile(db, project);
      return { method: 'GET', path: `/api/studies/${studyId}/references`, params: { study: studyId } };
    },
  };
  matrix['app/api/studies/[study]/references/route.ts#POST'] = {
    permission: 'study:upload',
    allowed: ['researcher', 'admin'],
    projectScoped: true,
    // a study with a volume to attach a reference to
    input: async (db, project) => {
      const { studyId, seriesId } = await seedUploadedFile(db, project);
      return { method: 'POST', path: `/api/studies/${studyId}/references`, params: { study: studyId }, body: { series: seriesId } };
    },
  };
}
