import type { Types } from '@cornerstonejs/core';
import type { ViewerLabel } from '@/lib/viewer/schemas';
import { labelVolumesMl } from '@/lib/viewer/label-volumes';
import { segToLabelmap } from '@/lib/viewer/seg-to-labelmap';
import { autoWindow, type VoiWindow } from '@/lib/viewer/window-presets';
import { colorLut } from '../color-lut';
import { cornerstoneRuntime, type CornerstoneRuntime } from './cornerstone-runtime';
import { dicomImageIds, loadVolume, volumeFromDicom, volumeSlices } from './dicom-volume';
import { fetchBlob, fetchNifti, ViewerLoadError } from './fetch-nifti';
import { niftiMaskVoxels, niftiOnSeries } from './nifti-mask';

export interface LoadedMask {
  id: string;
  segmentationId: string;
  colorLUTIndex: number;
  /** each label's volume in ml, from the mask's voxels and the volume's spacing */
  volumesMl: Record<number, number>;
}

/**
 * One viewer's data in Cornerstone's cache: the volume and one labelmap segmentation per mask.
 * Everything it created is released by dispose(), after the viewports showing it (registered with
 * onDispose) are destroyed.
 */
export interface LoadedImages {
  runtime: CornerstoneRuntime;
  volumeId: string;
  /** a window from the volume's histogram (what "Auto" sets, and the start for MR) */
  autoWindow: VoiWindow;
  masks: LoadedMask[];
  onDispose(fn: () => void): () => void;
  dispose(): void;
}

/** Creates a streaming volume from a NIfTI blob: URL and waits until every slice is in. */
async function volumeFromNifti(rt: CornerstoneRuntime, blobUrl: string, what: string, volumeId: string): Promise<Types.IImageVolume> {
  const imageIds = await rt.nifti.createNiftiImageIdsAndCacheMetadata({ url: blobUrl });
  if (!imageIds?.length) throw new ViewerLoadError(`the ${what} is not a readable NIfTI file`);
  const volume = await rt.core.volumeLoader.createAndCacheVolume(volumeId, { imageIds });
  await loadVolume(volume, what);
  return volume;
}

function removeVolume(rt: CornerstoneRuntime, volumeId: string): void {
  const volume = rt.core.cache.getVolume(volumeId);
  if (!volume) return;
  const imageIds = [...(volume.imageIds ?? [])];
  rt.core.cache.removeVolumeLoadObject(volumeId);
  for (const id of imageIds) if (rt.core.cache.getImageLoadObject(id)) rt.core.cache.removeImageLoadObject(id, { force: true });
}

/** The NIfTI volume and its masks, downloaded at once and uncompressed (volume first). */
function downloadNiftiFiles(p: Pick<Parameters<typeof loadImages>[0], 'volumeUrl' | 'masks' | 'onProgress'>, signal: AbortSignal): Promise<Blob[]> {
  const files = [{ what: 'volume', url: p.volumeUrl }, ...p.masks.map((m) => ({ what: `mask "${m.title}"`, url: m.url }))];
  const fractions = files.map(() => 0);
  return Promise.all(
    files.map((f, i) =>
      fetchNifti({
        url: f.url,
        what: f.what,
        signal,
        onProgress: (x) => {
          fractions[i] = x;
          p.onProgress(fractions.reduce((a, b) => a + b, 0) / files.length);
        },
      }),
    ),
  );
}

/**
 * Downloads the volume and the masks, builds the volume, and turns each mask into a labelmap
 * segmentation on the volume's own grid (a mask on another grid is refused: it would be drawn in the
 * wrong place). With `instanceUrls` the volume is the DICOM series itself (dicom-image-loader) and
 * every mask is a DICOM SEG over it (lib/viewer/seg-to-labelmap.ts); else a NIfTI volume with NIfTI
 * masks. `isCancelled` lets a viewer that went away stop between steps.
 */
export async function loadImages(p: {
  volumeUrl: string;
  instanceUrls?: string[];
  masks: { id: string; title: string; url: string; labels: ViewerLabel[]; format?: 'seg' | 'nifti' }[];
  isCancelled: () => boolean;
  onProgress: (fraction: number) => void;
}): Promise<LoadedImages> {
  const abort = new AbortController();
  // NIfTI files download while Cornerstone starts (its start is a third of the time to the first frame)
  const niftiFiles = p.instanceUrls ? null : downloadNiftiFiles(p, abort.signal);
  niftiFiles?.catch(() => {}); // awaited below; a runtime that fails to start must not leave it unhandled
  let rt: CornerstoneRuntime;
  try {
    rt = await cornerstoneRuntime();
  } catch (err) {
    abort.abort();
    throw err;
  }
  const { core, tools } = rt;
  const tag = core.utilities.uuidv4();
  const blobUrls: string[] = [];
  const volumeIds: string[] = [];
  const segmentationIds: string[] = [];
  const lutIndexes: number[] = [];
  const hooks = new Set<() => void>();
  let disposed = false;
  const dispose = () => {
    if (disposed) return;
    disposed = true;
    abort.abort();
    for (const fn of [...hooks]) fn();
    hooks.clear();
    for (const id of segmentationIds) tools.segmentation.removeSegmentation(id);
    for (const i of lutIndexes) tools.segmentation.state.removeColorLUT(i);
    for (const id of volumeIds.reverse()) removeVolume(rt, id);
    for (const url of blobUrls) {
      rt.releaseNiftiFile(url);
      URL.revokeObjectURL(url);
    }
    releaseInstances();
  };
  let releaseInstances = () => {};
  const cancelled = () => {
    if (p.isCancelled()) throw new DOMException('viewer unmounted', 'AbortError');
  };

  /** a labelmap derived from the volume shares its geometry exactly; the mask's voxels are copied in */
  const addMask = (i: number, m: (typeof p.masks)[number], voxels: ArrayLike<number>, volume: Types.IImageVolume): LoadedMask => {
    const labelmapId = `segflow-${tag}-labelmap-${i}`;
    volumeIds.push(labelmapId);
    const labelmap = core.volumeLoader.createAndCacheDerivedLabelmapVolume(volume.volumeId, { volumeId: labelmapId });
    const write = labelmap.voxelManager?.setCompleteScalarDataArray;
    if (!write) throw new ViewerLoadError(`mask "${m.title}" could not be read into a labelmap`);
    write.call(labelmap.voxelManager, voxels as Types.PixelDataTypedArray);
    const volumesMl = labelVolumesMl(
      voxels,
      volume.spacing,
      m.labels.map((l) => l.value),
    );
    const segmentationId = `segflow-${tag}-seg-${i}`;
    tools.segmentation.addSegmentations([
      {
        segmentationId,
        representation: { type: tools.Enums.SegmentationRepresentations.Labelmap, data: { volumeId: labelmapId } },
        config: { label: m.title, segments: Object.fromEntries(m.labels.map((l) => [l.value, { segmentIndex: l.value, label: l.name }])) },
      },
    ]);
    segmentationIds.push(segmentationId);
    const colorLUTIndex = tools.segmentation.state.addColorLUT(colorLut(m.labels));
    lutIndexes.push(colorLUTIndex);
    return { id: m.id, segmentationId, colorLUTIndex, volumesMl };
  };
  const finish = (volume: Types.IImageVolume, masks: LoadedMask[]): LoadedImages => {
    const scalars = volume.voxelManager?.getCompleteScalarDataArray?.();
    return {
      runtime: rt,
      volumeId: volume.volumeId,
      autoWindow: scalars ? autoWindow(scalars as ArrayLike<number>) : { width: 1, center: 0 },
      masks,
      onDispose(fn) {
        hooks.add(fn);
        return () => hooks.delete(fn);
      },
      dispose,
    };
  };

  try {
    if (p.instanceUrls) {
      const dicom = p.instanceUrls;
      // the series weighs one file per instance, each SEG one file
      const weights = [dicom.length, ...p.masks.map(() => 1)];
      const done = weights.map(() => 0);
      const progress = (i: number) => (f: number) => {
        done[i] = f * weights[i];
        p.onProgress(done.reduce((a, b) => a + b, 0) / weights.reduce((a, b) => a + b, 0));
      };
      const maskFile = (m: (typeof p.masks)[number], i: number) =>
        m.format === 'nifti'
          ? fetchNifti({ url: m.url, what: `mask "${m.title}"`, signal: abort.signal, onProgress: progress(i + 1) })
          : fetchBlob({ url: m.url, what: `segmentation "${m.title}"`, signal: abort.signal, onProgress: progress(i + 1) });
      const [series, files] = await Promise.all([
        dicomImageIds(rt, { urls: dicom, signal: abort.signal, onProgress: progress(0) }),
        Promise.all(p.masks.map(maskFile)),
      ]);
      releaseInstances = series.release;
      cancelled();
      const volumeId = `cornerstoneStreamingImageVolume:segflow-${tag}`;
      volumeIds.push(volumeId);
      const volume = await volumeFromDicom(rt, series.imageIds, volumeId);
      cancelled();
      const slices = volumeSlices(rt, volume);
      const [columns, rows] = volume.dimensions;
      const masks: LoadedMask[] = [];
      for (const [i, m] of p.masks.entries()) {
        const bytes = await files[i].arrayBuffer();
        const voxels =
          m.format === 'nifti'
            ? niftiOnSeries(new Uint8Array(bytes), volume, `mask "${m.title}"`)
            : segToLabelmap({ bytes, rows, columns, slices, labels: m.labels, what: `segmentation "${m.title}"` });
        masks.push(addMask(i, m, voxels, volume));
      }
      return finish(volume, masks);
    }
    const blobs = await (niftiFiles as Promise<Blob[]>);
    cancelled();
    const volumeUrl = URL.createObjectURL(blobs[0]);
    blobUrls.push(volumeUrl);

    const volumeId = `cornerstoneStreamingImageVolume:segflow-${tag}`;
    volumeIds.push(volumeId);
    // the masks are read while the volume decodes; each is laid out as the loader lays out the
    // volume's frames (nifti-mask.ts), once the volume says in which order it holds them
    const [volume, volumeHead, ...maskBytes] = await Promise.all([
      volumeFromNifti(rt, volumeUrl, 'volume', volumeId),
      blobs[0].slice(0, 352).arrayBuffer(),
      ...blobs.slice(1).map((b) => b.arrayBuffer()),
    ]);
    cancelled();
    const masks = p.masks.map((m, i) =>
      addMask(
        i,
        m,
        niftiMaskVoxels({
          mask: new Uint8Array(maskBytes[i]),
          volumeHead: new Uint8Array(volumeHead),
          volumeImageIds: volume.imageIds ?? [],
          what: `mask "${m.title}"`,
        }),
        volume,
      ),
    );
    return finish(volume, masks);
  } catch (err) {
    dispose();
    throw err;
  }
}
