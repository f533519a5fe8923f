import type { Types } from '@cornerstonejs/core';
import { PLANE_AXIS, planeOrientation, type Plane } from '@/lib/viewer/plane-orientation';
import { voiRange, voiWindow, type VoiWindow } from '@/lib/viewer/window-presets';
import { clampSlice } from '../slice-keys';
import type { LoadedImages } from './load-images';

/** One viewport to mount: its element, the plane it cuts and the segmentations drawn over it. */
export interface PaneSpec {
  element: HTMLDivElement;
  plane: Plane;
  segmentationIds: string[];
}

/** How one label of one segmentation is drawn. */
export interface LabelStyle {
  visible: boolean;
  color: [number, number, number];
  /** fill opacity, 0..1 */
  opacity: number;
  /** outline only (no fill) */
  outline: boolean;
}

export interface MountedViewports {
  /** the planes shown, each once */
  planes: Plane[];
  sliceCount(plane: Plane): number;
  sliceIndex(plane: Plane): number;
  /** where the plane's current slice lies, in patient coordinates (mm along x, y or z) */
  positionMm(plane: Plane): number;
  /** moves every viewport of the plane to the slice (side by side stays in step) */
  setSlice(plane: Plane, index: number): Promise<number>;
  /** the crosshair centre in one pane (CSS pixels of its element): where the other planes cut it */
  crosshair(paneIndex: number): { x: number; y: number } | null;
  /** moves the other planes through the point under (x, y) of a pane (CSS pixels) */
  jumpTo(paneIndex: number, x: number, y: number): Promise<void>;
  /** where the planes' current slices meet, in patient coordinates (DICOM LPS mm) */
  cursorPoint(): [number, number, number];
  /** moves every viewport of the plane to the slice through a point in patient coordinates (LPS mm) */
  moveThrough(plane: Plane, pointLps: readonly [number, number, number]): Promise<void>;
  getWindow(): VoiWindow | null;
  setWindow(w: VoiWindow): void;
  setLabelStyle(segmentationId: string, value: number, style: LabelStyle): void;
  /** pan and zoom of every pane back to the start (the slices stay) */
  resetCameras(): void;
  /** called after any camera (slice, pan, zoom), window, size change or render: listeners should throttle (one per frame) */
  onChange(fn: () => void): () => void;
  /**
   * Settles once every pane with masks has drawn them (Cornerstone's SEGMENTATION_RENDERED for its
   * viewport): in software WebGL the labelmaps appear seconds after the image, and the viewer says so.
   */
  masksDrawn: Promise<void>;
  destroy(): void;
}

type Vec3 = [number, number, number];
const sub = (a: readonly number[], b: readonly number[]): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: readonly number[], b: readonly number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const add = (a: readonly number[], b: readonly number[], k = 1): Vec3 => [a[0] + k * b[0], a[1] + k * b[1], a[2] + k * b[2]];

/**
 * Orthographic viewports over the loaded volume, one per pane (enabled on the page's one rendering
 * engine, disabled again by destroy). Each plane is cut along the volume's own axis nearest to it
 * (lib/viewer/plane-orientation.ts), so slice counts are the series'. One tool group gives every
 * pane window/level (left drag), pan (middle drag) and zoom (right drag); a window change in one pane
 * is applied to all. The crosshair is a synced reference point: the slices of the three planes meet
 * there, each pane shows where the others cut it, and a click moves the others through the point.
 */
export async function mountViewports(p: {
  images: LoadedImages;
  panes: PaneSpec[];
  /** 0-based slice per plane to open at (missing: the middle) */
  slices?: Partial<Record<Plane, number>>;
  window?: VoiWindow | null;
}): Promise<MountedViewports> {
  const { core, tools, engine } = p.images.runtime;
  const Labelmap = tools.Enums.SegmentationRepresentations.Labelmap;
  const tag = core.utilities.uuidv4();
  const viewportIds = p.panes.map((_, i) => `segflow-${tag}-${i}`);
  const toolGroupId = `segflow-${tag}-tools`;
  const enabled: string[] = [];
  const listeners = new Set<() => void>();
  const elementListeners: [HTMLDivElement, string, EventListener][] = [];
  let destroyed = false;
  const destroy = () => {
    if (destroyed) return;
    destroyed = true;
    unregister();
    core.eventTarget.removeEventListener(tools.Enums.Events.SEGMENTATION_RENDERED, onSegmentationRendered);
    resizeObserver.disconnect();
    for (const [el, type, fn] of elementListeners) el.removeEventListener(type, fn);
    listeners.clear();
    if (tools.ToolGroupManager.getToolGroup(toolGroupId)) tools.ToolGroupManager.destroyToolGroup(toolGroupId);
    for (const id of enabled) {
      tools.segmentation.removeSegmentationRepresentations(id, {}, true);
      engine.disableElement(id);
    }
  };
  const unregister = p.images.onDispose(destroy);
  // registered before the representations are added, so no first render is missed
  const waitingFor = new Set(viewportIds.filter((_, i) => p.panes[i].segmentationIds.length > 0));
  let drawn = () => {};
  const masksDrawn = new Promise<void>((resolve) => {
    drawn = resolve;
  });
  const onSegmentationRendered = ((e: CustomEvent<{ viewportId: string }>) => {
    waitingFor.delete(e.detail.viewportId);
    if (waitingFor.size === 0) {
      core.eventTarget.removeEventListener(tools.Enums.Events.SEGMENTATION_RENDERED, onSegmentationRendered);
      drawn();
    }
  }) as EventListener;
  if (waitingFor.size === 0) drawn();
  else core.eventTarget.addEventListener(tools.Enums.Events.SEGMENTATION_RENDERED, onSegmentationRendered);
  const resizeObserver = new ResizeObserver(() => {
    if (destroyed) return;
    engine.resize(true, true);
    for (const fn of listeners) fn(); // the crosshair moves with the canvas size
  });
  try {
    const volume = core.cache.getVolume(p.images.volumeId);
    if (!volume) throw new Error('the volume is not loaded');
    p.panes.forEach((pane, i) => {
      const { viewPlaneNormal, viewUp } = planeOrientation(pane.plane, volume.direction);
      engine.enableElement({
        viewportId: viewportIds[i],
        type: core.Enums.ViewportType.ORTHOGRAPHIC,
        element: pane.element,
        defaultOptions: { orientation: { viewPlaneNormal, viewUp }, background: [0, 0, 0] as Types.Point3 },
      });
      enabled.push(viewportIds[i]);
    });
    await core.setVolumesForViewports(engine, [{ volumeId: p.images.volumeId }], viewportIds);
    const lutOf = new Map(p.images.masks.map((m) => [m.segmentationId, m.colorLUTIndex]));
    viewportIds.forEach((viewportId, i) => {
      const segs = p.panes[i].segmentationIds;
      if (segs.length)
        tools.segmentation.addLabelmapRepresentationToViewport(
          viewportId,
          segs.map((segmentationId) => ({ segmentationId, type: Labelmap, config: { colorLUTOrIndex: lutOf.get(segmentationId) } })),
        );
      for (const segmentationId of segs)
        tools.segmentation.config.style.setStyle(
          { type: Labelmap, viewportId, segmentationId },
          { renderOutline: true, renderOutlineInactive: true, outlineWidth: 1, outlineWidthInactive: 1, outlineOpacity: 1, outlineOpacityInactive: 1 },
        );
    });
    // every segmentation drawn, not only the active one (side by side and overlays of two masks)
    viewportIds.forEach((id, i) => {
      if (p.panes[i].segmentationIds.length) tools.segmentation.config.style.setRenderInactiveSegmentations(id, true);
    });
    const viewports = viewportIds.map((id) => engine.getViewport(id) as Types.IVolumeViewport);

    const toolGroup = tools.ToolGroupManager.createToolGroup(toolGroupId);
    if (!toolGroup) throw new Error('the viewer tools could not be set up');
    for (const T of [tools.WindowLevelTool, tools.PanTool, tools.ZoomTool]) toolGroup.addTool(T.toolName);
    const { MouseBindings } = tools.Enums;
    toolGroup.setToolActive(tools.WindowLevelTool.toolName, { bindings: [{ mouseButton: MouseBindings.Primary }] });
    toolGroup.setToolActive(tools.PanTool.toolName, {
      bindings: [{ mouseButton: MouseBindings.Auxiliary }, { mouseButton: MouseBindings.Primary, modifierKey: tools.Enums.KeyboardBindings.Shift }],
    });
    toolGroup.setToolActive(tools.ZoomTool.toolName, { bindings: [{ mouseButton: MouseBindings.Secondary }] });
    for (const id of viewportIds) toolGroup.addViewport(id, engine.id);

    const planes = [...new Set(p.panes.map((x) => x.plane))];
    const panesOf = (plane: Plane) => p.panes.flatMap((x, i) => (x.plane === plane ? [i] : []));
    const first = (plane: Plane) => viewports[panesOf(plane)[0]];
    const notify = () => {
      for (const fn of listeners) fn();
    };

    /** moves a viewport's camera along its normal so its slice passes through `world` */
    const moveThrough = (vp: Types.IVolumeViewport, world: readonly number[]) => {
      const cam = vp.getCamera();
      if (!cam.focalPoint || !cam.position || !cam.viewPlaneNormal) return;
      const d = dot(sub(world, cam.focalPoint), cam.viewPlaneNormal);
      vp.setCamera({ focalPoint: add(cam.focalPoint, cam.viewPlaneNormal, d), position: add(cam.position, cam.viewPlaneNormal, d) });
    };
    const setSlice = async (plane: Plane, index: number) => {
      const vp = first(plane);
      const target = clampSlice(index, vp.getNumberOfSlices());
      await Promise.all(panesOf(plane).map((i) => core.utilities.jumpToSlice(p.panes[i].element, { imageIndex: target, volumeId: p.images.volumeId })));
      engine.renderViewports(viewportIds);
      return vp.getSliceIndex();
    };
    /** the point where the planes' current slices meet (a plane not shown: the volume's centre along it) */
    const cursor = (): Vec3 => {
      let point: Vec3 = [...(viewports[0].getCamera().focalPoint ?? [0, 0, 0])] as Vec3;
      for (const plane of planes) {
        const cam = first(plane).getCamera();
        if (!cam.focalPoint || !cam.viewPlaneNormal) continue;
        point = add(point, cam.viewPlaneNormal, dot(sub(cam.focalPoint, point), cam.viewPlaneNormal));
      }
      return point;
    };

    let windowNow: VoiWindow | null = null;
    const applyWindow = (w: VoiWindow, except?: string) => {
      windowNow = w;
      for (const vp of viewports) if (vp.id !== except) vp.setProperties({ voiRange: voiRange(w) }, p.images.volumeId, true);
      engine.renderViewports(viewportIds.filter((id) => id !== except));
    };
    p.panes.forEach((pane) => {
      const onVoi = ((e: CustomEvent<{ viewportId: string; range: { lower: number; upper: number } }>) => {
        if (destroyed || !e.detail?.range) return;
        applyWindow(voiWindow(e.detail.range), e.detail.viewportId);
        notify();
      }) as EventListener;
      const onCamera = (() => !destroyed && notify()) as EventListener;
      pane.element.addEventListener(core.Enums.Events.VOI_MODIFIED, onVoi);
      // a camera change moves the crosshair; so does a render after a resize of the canvas
      for (const type of [core.Enums.Events.CAMERA_MODIFIED, core.Enums.Events.IMAGE_RENDERED]) {
        pane.element.addEventListener(type, onCamera);
        elementListeners.push([pane.element, type, onCamera]);
      }
      elementListeners.push([pane.element, core.Enums.Events.VOI_MODIFIED, onVoi]);
    });

    const start = async (slices: Partial<Record<Plane, number>> | undefined) => {
      for (const vp of viewports) vp.resetCamera();
      for (const plane of planes) {
        const wanted = slices?.[plane];
        await setSlice(plane, wanted ?? Math.floor(first(plane).getNumberOfSlices() / 2));
      }
    };
    await start(p.slices);
    if (p.window) applyWindow(p.window);
    else {
      const r = viewports[0].getProperties()?.voiRange;
      windowNow = r ? voiWindow(r) : null;
    }
    for (const pane of p.panes) resizeObserver.observe(pane.element);

    return {
      planes,
      sliceCount: (plane) => first(plane).getNumberOfSlices(),
      sliceIndex: (plane) => first(plane).getSliceIndex(),
      positionMm: (plane) => first(plane).getCamera().focalPoint?.[PLANE_AXIS[plane]] ?? 0,
      setSlice,
      crosshair(i) {
        if (planes.length < 2) return null;
        const [x, y] = viewports[i].worldToCanvas(cursor() as Types.Point3);
        return Number.isFinite(x) && Number.isFinite(y) ? { x, y } : null;
      },
      async jumpTo(i, x, y) {
        const world = viewports[i].canvasToWorld([x, y] as Types.Point2);
        for (const plane of planes) {
          if (plane === p.panes[i].plane) continue;
          const vp = first(plane);
          moveThrough(vp, world);
          // snap to the nearest real slice, every pane of the plane with it
          await setSlice(plane, vp.getSliceIndex());
        }
        notify();
      },
      cursorPoint: () => cursor(),
      async moveThrough(plane, pointLps) {
        if (!planes.includes(plane)) return;
        const vp = first(plane);
        moveThrough(vp, pointLps);
        await setSlice(plane, vp.getSliceIndex());
        notify();
      },
      getWindow: () => windowNow,
      setWindow(w) {
        applyWindow(w);
        notify();
      },
      setLabelStyle(segmentationId, value, style) {
        const shown = viewportIds.filter((_, i) => p.panes[i].segmentationIds.includes(segmentationId));
        // the colour lives in the mask's LUT, shared by its viewports; the style calls below redraw each
        if (lutOf.has(segmentationId) && shown.length)
          tools.segmentation.config.color.setSegmentIndexColor(shown[0], segmentationId, value, [...style.color, 255]);
        for (const viewportId of shown) {
          tools.segmentation.config.visibility.setSegmentIndexVisibility(viewportId, { segmentationId, type: Labelmap }, value, style.visible);
          tools.segmentation.config.style.setStyle(
            { type: Labelmap, viewportId, segmentationId, segmentIndex: value },
            { fillAlpha: style.opacity, fillAlphaInactive: style.opacity, renderFill: !style.outline, renderFillInactive: !style.outline },
          );
        }
        engine.renderViewports(viewportIds);
      },
      resetCameras() {
        const keep = Object.fromEntries(planes.map((plane) => [plane, first(plane).getSliceIndex()]));
        void start(keep).then(notify);
      },
      onChange(fn) {
        listeners.add(fn);
        return () => listeners.delete(fn);
      },
      masksDrawn,
      destroy,
    };
  } catch (err) {
    destroy();
    throw err;
  }
}
