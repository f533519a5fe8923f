import { AppError } from '@/lib/errors';
import { affinesClose } from '@/lib/imaging/nifti/mat4';
import { readNiftiHeader } from '@/lib/imaging/nifti/read-nifti-header';
import { readNifti } from '@/lib/imaging/nifti/read-nifti';
import { ViewerLoadError } from './fetch-nifti';

/** millimetres two affines may differ by and still be the same grid (float32 header fields) */
const GRID_TOLERANCE = 1e-3;

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
  let mask: ReturnType<typeof readNifti>;
  let volume: ReturnType<typeof readNiftiHeader>;
  try {
    mask = readNifti(p.mask, p.what);
    volume = readNiftiHeader(p.volumeHead, 'volume');
  } catch (err) {
    if (err instanceof AppError) throw new ViewerLoadError(err.message);
    throw err;
  }
  const [columns, rows, frames] = mask.dims;
  if (mask.dims.some((n, i) => n !== volume.dims[i]))
    throw new ViewerLoadError(`${p.what} is ${mask.dims.join('×')} voxels but the volume is ${volume.dims.join('×')}: it is not on the volume's grid`);
  if (!affinesClose(mask.affine, volume.affine, GRID_TOLERANCE))
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
