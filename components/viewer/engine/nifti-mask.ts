import type { Types } from '@cornerstonejs/core';
import { AppError } from '@/lib/errors';
import { labelmapOnSeries } from '@/lib/viewer/labelmap-on-series';
import { sameAffine } from '@/lib/imaging/nifti/mat4';
import { readNiftiHeader } from '@/lib/imaging/nifti/read-nifti-header';
import { readNifti } from '@/lib/imaging/nifti/read-nifti';
import { ViewerLoadError } from './fetch-nifti';

/** a NIfTI reader's refusal (an AppError naming the file) as the viewer shows it */
function inViewerWords<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw err instanceof AppError ? new ViewerLoadError(err.message) : err;
  }
}

/** the file frame an image id of the NIfTI loader stands for (`nifti:<url>?frame=<k>`) */
function frameOf(imageId: string): number {
  const m = /\?frame=(\d+)$/.exec(imageId);
  if (!m) throw new ViewerLoadError(`the volume's slice "${imageId}" is not a NIfTI frame`);
  return Number(m[1]);
}

/**
 * A NIfTI mask's voxels laid out as the volume's labelmap, read straight from the file (no second
 * streaming volume: that was half the viewer's start). The NIfTI loader keeps each frame's voxels
 * as the file has them and may only reorder the frames (it sorts them along the slice normal), so
 * labelmap slice j is the mask file's frame `frameOf(volumeImageIds[j])`. A mask must be on the
 * volume's grid: the same voxel counts and the same affine, else it would be drawn off the anatomy.
 */
export function niftiMaskVoxels(p: { mask: Uint8Array; volumeHead: Uint8Array; volumeImageIds: readonly string[]; what: string }): Uint8Array {
  const mask = inViewerWords(() => readNifti(p.mask, p.what));
  const volume = inViewerWords(() => readNiftiHeader(p.volumeHead, 'volume'));
  const [columns, rows, frames] = mask.dims;
  if (mask.dims.some((n, i) => n !== volume.dims[i]))
    throw new ViewerLoadError(`${p.what} is ${mask.dims.join('×')} voxels but the volume is ${volume.dims.join('×')}: it is not on the volume's grid`);
  if (!sameAffine(volume.dims, mask.affine, volume.affine))
    throw new ViewerLoadError(`${p.what} has the volume's size but not its position or spacing: it is not on the volume's grid`);
  if (p.volumeImageIds.length !== frames)
    throw new ViewerLoadError(`the volume has ${p.volumeImageIds.length} slices but ${p.what} has ${frames}: it is not on the volume's grid`);
  const plane = columns * rows;
  const out = new Uint8Array(plane * frames);
  const source = mask.data;
  for (let j = 0; j < frames; j++) {
    const k = frameOf(p.volumeImageIds[j]);
    if (source instanceof Uint8Array) out.set(source.subarray(k * plane, (k + 1) * plane), j * plane);
    else for (let i = 0; i < plane; i++) out[j * plane + i] = source[k * plane + i];
  }
  return out;
}

/**
 * A NIfTI labelmap placed on a DICOM series' own voxels by patient coordinates (a reference made on
 * the series' converted volume, lib/viewer/labelmap-on-series.ts); refused when none of it lands.
 */
export function niftiOnSeries(bytes: Uint8Array, volume: Types.IImageVolume, what: string): Uint8Array {
  const labelmap = inViewerWords(() => readNifti(bytes, what));
  const image = volume.imageData;
  if (!image) throw new ViewerLoadError(`${what} cannot be placed: the series has no geometry`);
  const at = (ijk: [number, number, number]) => [...image.indexToWorld(ijk)] as [number, number, number];
  const origin = at([0, 0, 0]);
  const step = (ijk: [number, number, number]) => at(ijk).map((x, a) => x - origin[a]) as [number, number, number];
  const [c, r, s] = volume.dimensions;
  const placed = labelmapOnSeries(labelmap, { dims: [c, r, s], origin, di: step([1, 0, 0]), dj: step([0, 1, 0]), dk: step([0, 0, 1]) });
  if (placed.labelled > 0 && placed.landed === 0) throw new ViewerLoadError(`${what} lies outside this series: it was made on another volume`);
  return placed.voxels;
}
