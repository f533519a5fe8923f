/**
 * The source series a SEG refers to, in the same voxel layout as seriesToVolume produces, so a
 * labelmap's slice k is sorted[k] (and the other way round when reading).
 */
import { AppError } from '../../errors';
import { readSlice, type DicomFile } from '../dicom/group-series';
import { computeSeriesGeometry, type SeriesGeometry } from '../dicom/series-to-volume-geometry';
import { sameAffine } from '../nifti/mat4';
import type { Volume } from '../volume';

export function readSourceGeometry(source: DicomFile[], label = 'reference'): SeriesGeometry {
  const slices = source.map(readSlice).filter((s) => s.position !== undefined);
  const uids = new Set(slices.map((s) => s.seriesInstanceUid));
  if (uids.size !== 1) throw new AppError('invalid_input', `series ${label}: reference must be exactly one series (found ${uids.size})`);
  return computeSeriesGeometry(slices, label);
}

export function checkLabelmapOnSource(labelmap: Volume, geo: SeriesGeometry, label: string): void {
  const [nx, ny, nz] = labelmap.dims;
  if (nx !== geo.columns || ny !== geo.rows || nz !== geo.sorted.length || !sameAffine(labelmap.dims, labelmap.affine, geo.affine)) {
    throw new AppError(
      'invalid_input',
      `labelmap ${nx}x${ny}x${nz} is not on the grid of series ${label} (${geo.columns}x${geo.rows}x${geo.sorted.length}); resample it to the source first`,
    );
  }
}
