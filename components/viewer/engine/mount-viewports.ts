import type { Types } from '@cornerstonejs/core';
import { planeOrientation } from '@/lib/viewer/plane-orientation';
import { clampSlice } from '../slice-keys';
import type { LoadedImages } from './load-images';

export interface MountedViewports {
  sliceCount: number;
  sliceIndex(): number;
  /** moves every viewport to the same slice (side by side stays in step) */
  setSlice(index: number): Promise<number>;
  /** fill opacity of every mask, 0..1 */
  setOpacity(alpha: number): void;
  destroy(): void;
}

/**
 * Axial orthographic viewports over the loaded volume, one per element (enabled on the page's one
 * rendering engine, disabled again by destroy), each with the segmentations listed for it. The viewports share one camera state by construction: every slice change goes to
 * all of them, and nothing else moves a camera.
 */
export async function mountViewports(p: {
  images: LoadedImages;
  elements: HTMLDivElement[];
  segmentationsPerViewport: string[][];
  opacity: number;
}): Promise<MountedViewports> {
  const { core, tools, engine } = p.images.runtime;
  const Labelmap = tools.Enums.SegmentationRepresentations.Labelmap;
  const tag = core.utilities.uuidv4();
  const viewportIds = p.elements.map((_, i) => `segflow-${tag}-${i}`);
  const enabled: string[] = [];
  let destroyed = false;
  const destroy = () => {
    if (destroyed) return;
    destroyed = true;
    unregister();
    resizeObserver.disconnect();
    for (const id of enabled) {
      tools.segmentation.removeSegmentationRepresentations(id, {}, true);
      engine.disableElement(id);
    }
  };
  const unregister = p.images.onDispose(destroy);
  const resizeObserver = new ResizeObserver(() => {
    if (!destroyed) engine.resize(true, true);
  });
  try {
    const volume = core.cache.getVolume(p.images.volumeId);
    if (!volume) throw new Error('the volume is not loaded');
    // along the series' own slices: a tilted series keeps its instance count and order
    const { viewPlaneNormal, viewUp } = planeOrientation('axial', volume.direction);
    p.elements.forEach((element, i) => {
      engine.enableElement({
        viewportId: viewportIds[i],
        type: core.Enums.ViewportType.ORTHOGRAPHIC,
        element,
        defaultOptions: { orientation: { viewPlaneNormal, viewUp }, background: [0, 0, 0] as Types.Point3 },
      });
      enabled.push(viewportIds[i]);
    });
    await core.setVolumesForViewports(engine, [{ volumeId: p.images.volumeId }], viewportIds);
    const lutOf = new Map(p.images.masks.map((m) => [m.segmentationId, m.colorLUTIndex]));
    viewportIds.forEach((viewportId, i) => {
      const segs = p.segmentationsPerViewport[i] ?? [];
      if (segs.length)
        tools.segmentation.addLabelmapRepresentationToViewport(
          viewportId,
          segs.map((segmentationId) => ({ segmentationId, type: Labelmap, config: { colorLUTOrIndex: lutOf.get(segmentationId) } })),
        );
    });
    const viewports = viewportIds.map((id) => engine.getViewport(id) as Types.IVolumeViewport);
    const setOpacity = (alpha: number) => {
      viewportIds.forEach((viewportId, i) => {
        for (const segmentationId of p.segmentationsPerViewport[i] ?? []) {
          tools.segmentation.config.style.setStyle(
            { type: Labelmap, viewportId, segmentationId },
            { fillAlpha: alpha, fillAlphaInactive: alpha, outlineOpacity: Math.min(1, alpha + 0.3), outlineOpacityInactive: Math.min(1, alpha + 0.3) },
          );
        }
      });
      engine.renderViewports(viewportIds);
    };
    setOpacity(p.opacity);
    for (const el of p.elements) resizeObserver.observe(el);
    const sliceCount = viewports[0].getNumberOfSlices();
    return {
      sliceCount,
      sliceIndex: () => viewports[0].getSliceIndex(),
      async setSlice(index) {
        const target = clampSlice(index, sliceCount);
        await Promise.all(p.elements.map((element) => core.utilities.jumpToSlice(element, { imageIndex: target, volumeId: p.images.volumeId })));
        engine.renderViewports(viewportIds);
        return viewports[0].getSliceIndex();
      },
      setOpacity,
      destroy,
    };
  } catch (err) {
    destroy();
    throw err;
  }
}
