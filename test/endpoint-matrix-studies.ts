import type { MatrixRow } from './endpoint-matrix';
import { seedUploadedFile } from './seed-uploaded-file';

/** Rows of the series endpoints (a NIfTI volume's stated facts); added by endpoint-matrix.ts. */
export function addSeriesRows(matrix: Record<string, MatrixRow>): void {
  matrix['app/api/series/[series]/facts/route.ts#PUT'] = {
    permission: 'study:upload',
    allowed: ['researcher', 'admin'],
    projectScoped: true,
    input: async (db, project) => {
      const { seriesId } = await seedUploadedFile(db, project);
      return { method: 'PUT', path: `/api/series/${seriesId}/facts`, params: { series: seriesId! }, body: { modality: 'MR', bodyPart: 'HEAD' } };
    },
  };
}
