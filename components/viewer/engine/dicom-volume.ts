import type { Types } from '@cornerstonejs/core';
import type { SegSourceSlice } from '@/lib/viewer/seg-to-labelmap';
import type { CornerstoneRuntime } from './cornerstone-runtime';
import { fetchBlob, ViewerLoadError } from './fetch-nifti';

/** downloads at a time: a 1,000-instance series must not open 1,000 requests at once */
const PARALLEL = 6;

/**
 * Downloads the de-identified instances (one link each) and hands them to dicom-image-loader's
 * file manager: `dicomfile:` image ids it reads without fetching again. release() forgets them.
 */
export async function dicomImageIds(
  rt: CornerstoneRuntime,
  p: { urls: string[]; signal: AbortSignal; onProgress: (fraction: number) => void },
): Promise<{ imageIds: string[]; release(): void }> {
  const blobs: Blob[] = new Array(p.urls.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < p.urls.length) {
      const i = next++;
      blobs[i] = await fetchBlob({ url: p.urls[i], what: `DICOM instance ${i + 1} of ${p.urls.length}`, signal: p.signal, onProgress: () => {} });
      p.onProgress(++done / p.urls.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, p.urls.length) }, worker));
  const fm = rt.dicom.wadouri.fileManager;
  const imageIds = blobs.map((b) => fm.add(b));
  return {
    imageIds,
    release() {
      for (const id of imageIds) fm.remove(Number(id.slice('dicomfile:'.length)));
    },
  };
}

/** Waits until every slice of a streaming volume is in. */
export async function loadVolume(volume: Types.IImageVolume, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    // the streaming volume's load takes a completion callback (its d.ts omits the parameter)
    (volume as unknown as { load(cb: (evt: unknown) => void): void }).load((evt: unknown) => {
      const e = evt as { framesLoaded?: number; totalNumFrames?: number };
      if (e.framesLoaded === e.totalNumFrames) resolve();
      else reject(new ViewerLoadError(`the ${what} could not be decoded (${e.framesLoaded ?? 0} of ${e.totalNumFrames ?? '?'} slices)`));
    });
  });
}

/**
 * The series as one volume: each instance is read once (its header gives Cornerstone the geometry
 * it sorts the slices by), then the volume is built from them, one slice per instance.
 */
export async function volumeFromDicom(rt: CornerstoneRuntime, imageIds: string[], volumeId: string): Promise<Types.IImageVolume> {
  await Promise.all(
    imageIds.map((id, i) =>
      rt.core.imageLoader.loadAndCacheImage(id).catch((err: unknown) => {
        throw new ViewerLoadError(`DICOM instance ${i + 1} of ${imageIds.length} could not be read (${err instanceof Error ? err.message : String(err)})`);
      }),
    ),
  );
  const volume = await rt.core.volumeLoader.createAndCacheVolume(volumeId, { imageIds });
  await loadVolume(volume, 'DICOM series');
  return volume;
}

/** The volume's slices in its own order (labelmap slice k is slices[k]), for placing SEG frames. */
export function volumeSlices(rt: CornerstoneRuntime, volume: Types.IImageVolume): SegSourceSlice[] {
  return (volume.imageIds ?? []).map((id, k) => {
    const sop = rt.core.metaData.get('sopCommonModule', id) as { sopInstanceUID?: string } | undefined;
    const plane = rt.core.metaData.get('imagePlaneModule', id) as { imagePositionPatient?: number[] } | undefined;
    if (!plane?.imagePositionPatient) throw new ViewerLoadError(`DICOM instance ${k + 1} has no image position: its slices cannot be placed`);
    return { sopInstanceUid: sop?.sopInstanceUID ?? '', position: plane.imagePositionPatient };
  });
}
