import type { MatrixRow } from './endpoint-matrix';

/** Rows of the viewer endpoints (kept apart so parallel work does not edit one file); added by endpoint-matrix.ts. */
export function addViewerRows(matrix: Record<string, MatrixRow>): void {
  matrix['app/api/runs/[run]/images/route.ts#GET'] = {
    permission: 'run:read',
    // reviewers hold review:read, not run:read: they reach images only through a review case
    allowed: ['researcher', 'operator', 'admin'],
    projectScoped: true,
    // a finished run with its volume and masks in the store
    input: async (db, project) => {
      const { seedRunWithImages } = await import('../lib/viewer/test/seed-run-images');
      const { run } = await seedRunWithImages(db, project, { objects: true });
      return { method: 'GET', path: `/api/runs/${run.id}/images`, params: { run: run.id } };
    },
  };
  matrix['app/(app)/reviews/[comparison]/actions.ts#submitVerdictAction'] = {
    permission: 'review:write',
    allowed: ['reviewer', 'admin'],
    projectScoped: true,
    input: async (db, project) => {
      const { seedRunWithImages } = await import('../lib/viewer/test/seed-run-images');
      const { comparison } = await seedRunWithImages(db, project);
      return { method: 'POST', path: '', body: { comparison: comparison!.id, verdict: 'equivalent', comment: 'matrix' } };
    },
  };
}
