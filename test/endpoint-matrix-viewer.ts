import type { MatrixRow } from './endpoint-matrix';

/** Rows of the viewer endpoints (kept apart so parallel work does not edit one file); added by endpoint-matrix.ts. */
export function addViewerRows(matrix: Record<string, MatrixRow>): void {
  void matrix;
}
