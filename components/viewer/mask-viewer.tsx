'use client';
import { Fragment, useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { PLANES, type Plane } from '@/lib/viewer/plane-orientation';
import { parseViewerUrlState, type ViewerLayout } from '@/lib/viewer/viewer-url-state';
import { CT_PRESETS, type VoiWindow } from '@/lib/viewer/window-presets';
import type { LoadedImages } from './engine/load-images';
import type { LabelStyle, MountedViewports } from './engine/mount-viewports';
import type { MaskViewerProps, MaskViewerState } from './mask-viewer-types';
import { initialLabelStyles, SegmentationPanel, type LabelStyles } from './segmentation-panel';
import { MaskViewerToolbar, PLANE_NAME } from './mask-viewer-toolbar';
import { messageOf, objectOf, webgl2Available } from './mask-viewer-support';
import { clampSlice, sliceForKey } from './slice-keys';
import { useViewerUrl } from './use-viewer-url';
import styles from './mask-viewer.module.css';

export type { MaskViewerMask, MaskViewerLayout, MaskViewerProps } from './mask-viewer-types';

const PLANE_COORD: Record<Plane, string> = { axial: 'z', sagittal: 'x', coronal: 'y' };

interface PlaneState {
  index: number;
  count: number;
  mm: number;
}

interface Pane {
  key: string;
  plane: Plane;
  title: string | null;
  maskIds: string[];
}

/**
 * A volume in up to three planes (axial, sagittal, coronal) with segmentation masks drawn over it
 * as labelmaps. `overlay`: every mask over each plane; `side-by-side`: one row of planes per mask,
 * all on the same slices. Layouts 1×1 (one plane), 1×3 and 2×2 (three planes and the segmentation
 * panel); crosshairs where the planes meet (a click moves the other planes there); window/level by
 * left drag or presets, pan by middle or shift-drag, zoom by right drag; wheel and keys change the
 * slice of the pane under them. The layout, window and slices are kept in the page's URL.
 * Cornerstone3D lives outside React (components/viewer/engine/, loaded on the client only); this
 * component is its shell: it loads, mounts, and tears everything down on unmount, and a stale load
 * (props changed, StrictMode's double mount) is dropped.
 */
export function MaskViewer({ volumeUrl, instanceUrls, masks, layout, modality = null, syncUrl = true, initialGrid, follow = null, onCursor }: MaskViewerProps) {
  const [state, setState] = useState<MaskViewerState>('loading');
  const [error, setError] = useState<string | null>(null);
  const [progress, setProgress] = useState(0);
  const [loaded, setLoaded] = useState<LoadedImages | null>(null);
  const initialUrl = useRef(typeof window === 'undefined' || !syncUrl ? { slices: {} } : parseViewerUrlState(window.location.search));
  const [grid, setGrid] = useState<ViewerLayout>(initialUrl.current.layout ?? initialGrid ?? (layout === 'side-by-side' ? '1x1' : '1x3'));
  const [singlePlane, setSinglePlane] = useState<Plane>(initialUrl.current.plane ?? 'axial');
  const [planes, setPlanes] = useState<Partial<Record<Plane, PlaneState>>>({});
  // whether the mounted viewports have drawn their masks yet (they come seconds after the image in software WebGL)
  const [masksDrawn, setMasksDrawn] = useState(false);
  const [voi, setVoi] = useState<VoiWindow | null>(null);
  const [crosshairs, setCrosshairs] = useState<({ x: number; y: number } | null)[]>([]);
  const [labelStyles, setLabelStyles] = useState<LabelStyles>(() => initialLabelStyles(masks));
  const [attempt, setAttempt] = useState(0);
  const latest = useRef({ volumeUrl, instanceUrls, masks, modality });
  latest.current = { volumeUrl, instanceUrls, masks, modality };
  const followRef = useRef(follow);
  followRef.current = follow;
  const onCursorRef = useRef(onCursor);
  onCursorRef.current = onCursor;
  const labelStylesRef = useRef(labelStyles);
  labelStylesRef.current = labelStyles;
  const mountedRef = useRef<MountedViewports | null>(null);
  /** what a remount (new layout) opens at: the slices and window the reader was looking at */
  const keptRef = useRef<{ slices: Partial<Record<Plane, number>>; window: VoiWindow | null }>({
    slices: initialUrl.current.slices,
    window: initialUrl.current.window ?? null,
  });
  const stageRefs = useRef<(HTMLDivElement | null)[]>([]);
  const elementRefs = useRef<(HTMLDivElement | null)[]>([]);
  const sliderId = useId();

  const dataKey = [objectOf(volumeUrl), ...(instanceUrls ?? []).map(objectOf), ...masks.map((m) => `${m.id}=${objectOf(m.url)}`)].join('|');
  const sideBySide = layout === 'side-by-side' && masks.length > 1;
  const maskNames = masks.map((m) => `${m.id}:${m.title}`).join('|');
  const shownPlanes: Plane[] = grid === '1x1' ? [singlePlane] : [...PLANES];
  const planeKey = shownPlanes.join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: the panes follow the masks' ids and titles (maskNames) and the planes shown (planeKey), not re-signed URLs
  const panes = useMemo<Pane[]>(() => {
    const ms = latest.current.masks;
    const ps = planeKey.split(',') as Plane[];
    return sideBySide
      ? ms.flatMap((m) => ps.map((plane) => ({ key: `${m.id}-${plane}`, plane, title: m.title as string | null, maskIds: [m.id] })))
      : ps.map((plane) => ({ key: plane, plane, title: null, maskIds: ms.map((m) => m.id) }));
  }, [sideBySide, maskNames, planeKey]);
  const columns = sideBySide ? (shownPlanes.length === 1 ? masks.length : 3) : grid === '2x2' ? 2 : shownPlanes.length;
  const panelInGrid = !sideBySide && grid === '2x2';
  const mainPlane: Plane = grid === '1x1' ? singlePlane : 'axial';

  const fail = useCallback((err: unknown) => {
    console.error('[segflow viewer]', err);
    setError(messageOf(err));
    setState('error');
  }, []);

  // 1. the data: download, decode, build the volume and one segmentation per mask
  // biome-ignore lint/correctness/useExhaustiveDependencies: reloads when the data (dataKey) changes, not when URLs are re-signed; reads the rest through refs
  useEffect(() => {
    let cancelled = false;
    let images: LoadedImages | null = null;
    setState('loading');
    setError(null);
    setProgress(0);
    setLoaded(null);
    setPlanes({});
    (async () => {
      if (!webgl2Available()) {
        const e = new Error(
          'WebGL 2 is not available in this browser (it may be turned off, or hardware acceleration disabled), and the viewer needs it to draw volumes',
        );
        e.name = 'ViewerLoadError';
        throw e;
      }
      const { loadImages } = await import('./engine/load-images');
      const { volumeUrl: v, instanceUrls: dicom, masks: m } = latest.current;
      images = await loadImages({ volumeUrl: v, instanceUrls: dicom, masks: m, isCancelled: () => cancelled, onProgress: (f) => !cancelled && setProgress(f) });
      if (cancelled) images.dispose();
      else setLoaded(images);
    })().catch((err: unknown) => {
      if (!cancelled) fail(err);
    });
    return () => {
      cancelled = true;
      images?.dispose();
    };
  }, [dataKey, attempt, fail]);

  // 2. the viewports for the current layout, over the loaded data
  useEffect(() => {
    if (!loaded) return;
    let cancelled = false;
    let mounted: MountedViewports | null = null;
    let frame = 0;
    let unsubscribe = () => {};
    setState('loading');
    setMasksDrawn(false);
    const stages = stageRefs.current.slice(0, panes.length);
    const elements = elementRefs.current.slice(0, panes.length);
    const refresh = () => {
      const m = mountedRef.current;
      if (!m) return;
      const next: Partial<Record<Plane, PlaneState>> = {};
      for (const plane of m.planes) next[plane] = { index: m.sliceIndex(plane), count: m.sliceCount(plane), mm: m.positionMm(plane) };
      setPlanes(next);
      setVoi(m.getWindow());
      setCrosshairs(panes.map((_, i) => m.crosshair(i)));
      onCursorRef.current?.(m.cursorPoint());
      keptRef.current = { slices: { ...keptRef.current.slices, ...Object.fromEntries(m.planes.map((p) => [p, next[p]?.index])) }, window: m.getWindow() };
    };
    const scheduleRefresh = () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        refresh();
      });
    };
    const wheelHandlers = stages.map((_, i) => (e: WheelEvent) => {
      const m = mountedRef.current;
      if (!m || e.deltaY === 0) return;
      e.preventDefault();
      const plane = panes[i].plane;
      void m.setSlice(plane, m.sliceIndex(plane) + (e.deltaY > 0 ? 1 : -1)).then(scheduleRefresh, fail);
    });
    (async () => {
      if (elements.some((e) => !e)) throw new Error('viewport elements are missing');
      const { mountViewports } = await import('./engine/mount-viewports');
      const segmentationOf = new Map(loaded.masks.map((m) => [m.id, m.segmentationId]));
      const kept = keptRef.current;
      const ct = (latest.current.modality ?? '').toUpperCase() === 'CT';
      const soft = CT_PRESETS.find((p) => p.id === 'soft-tissue');
      mounted = await mountViewports({
        images: loaded,
        panes: panes.map((p, i) => ({
          element: elements[i] as HTMLDivElement,
          plane: p.plane,
          segmentationIds: p.maskIds.map((id) => segmentationOf.get(id)).filter((x): x is string => Boolean(x)),
        })),
        slices: kept.slices,
        window: kept.window ?? (ct && soft ? soft : loaded.autoWindow),
      });
      if (cancelled) return mounted.destroy();
      for (const [maskId, byValue] of Object.entries(labelStylesRef.current)) {
        const seg = segmentationOf.get(maskId);
        if (seg) for (const [value, style] of Object.entries(byValue)) mounted.setLabelStyle(seg, Number(value), style);
      }
      // the slice another view drives, before anyone is told where the planes meet
      const f = followRef.current;
      if (f) await mounted.moveThrough(f.plane, f.pointLps);
      if (cancelled) return;
      mountedRef.current = mounted;
      unsubscribe = mounted.onChange(scheduleRefresh);
      stages.forEach((s, i) => {
        s?.addEventListener('wheel', wheelHandlers[i], { passive: false });
      });
      refresh();
      setState('ready');
      void mounted.masksDrawn.then(() => {
        if (!cancelled) setMasksDrawn(true);
      });
    })().catch((err: unknown) => {
      if (!cancelled) fail(err);
    });
    return () => {
      cancelled = true;
      if (frame) cancelAnimationFrame(frame);
      unsubscribe();
      stages.forEach((s, i) => {
        s?.removeEventListener('wheel', wheelHandlers[i]);
      });
      mountedRef.current = null;
      mounted?.destroy();
    };
  }, [loaded, panes, fail]);

  // the followed point moved: the plane goes there (the other planes stay)
  useEffect(() => {
    const m = mountedRef.current;
    if (!follow || !m || state !== 'ready') return;
    void m.moveThrough(follow.plane, follow.pointLps).catch(fail);
  }, [follow, state, fail]);

  // 3. the view in the URL
  useViewerUrl({ enabled: syncUrl && state === 'ready', grid, singlePlane, voi, slices: planes });

  const goTo = (plane: Plane, target: number) => {
    const m = mountedRef.current;
    if (!m) return;
    void m.setSlice(plane, target).then(() => {
      if (mountedRef.current !== m) return;
      setPlanes((prev) => ({ ...prev, [plane]: { index: m.sliceIndex(plane), count: m.sliceCount(plane), mm: m.positionMm(plane) } }));
      setCrosshairs(panes.map((_, i) => m.crosshair(i)));
    }, fail);
  };

  const onStageKey = (plane: Plane) => (e: KeyboardEvent<HTMLDivElement>) => {
    const m = mountedRef.current;
    if (!m) return;
    const target = sliceForKey(e.key, m.sliceIndex(plane), m.sliceCount(plane));
    if (target === null) return;
    e.preventDefault();
    goTo(plane, target);
  };

  // a click (no drag: a drag is window/level) puts the crosshair there
  const downAt = useRef<{ x: number; y: number } | null>(null);
  const onStageDown = (e: MouseEvent<HTMLDivElement>) => {
    downAt.current = e.button === 0 && !e.shiftKey ? { x: e.clientX, y: e.clientY } : null;
  };
  const onStageUp = (i: number) => (e: MouseEvent<HTMLDivElement>) => {
    const d = downAt.current;
    downAt.current = null;
    const m = mountedRef.current;
    if (!d || !m || Math.hypot(e.clientX - d.x, e.clientY - d.y) > 3) return;
    const rect = (elementRefs.current[i] as HTMLDivElement).getBoundingClientRect();
    void m.jumpTo(i, e.clientX - rect.left, e.clientY - rect.top).catch(fail);
  };

  const onLabelStyle = (maskId: string, value: number, style: LabelStyle) => {
    setLabelStyles((prev) => ({ ...prev, [maskId]: { ...prev[maskId], [value]: style } }));
    const seg = loaded?.masks.find((m) => m.id === maskId)?.segmentationId;
    if (seg) mountedRef.current?.setLabelStyle(seg, value, style);
  };

  const isCt = (modality ?? '').toUpperCase() === 'CT';
  const volumesMl = Object.fromEntries((loaded?.masks ?? []).map((m) => [m.id, m.volumesMl]));
  const main = planes[mainPlane] ?? { index: 0, count: 0, mm: 0 };

  const panel = <SegmentationPanel masks={masks} styles={labelStyles} volumesMl={volumesMl} onChange={onLabelStyle} />;

  return (
    <section
      className={styles.viewer}
      aria-label="Image viewer"
      data-testid="mask-viewer"
      data-state={state}
      data-layout={sideBySide ? 'side-by-side' : 'overlay'}
      data-grid={grid}
      data-slice={main.index}
      data-slice-count={main.count}
      data-window={voi ? `${Math.round(voi.width)},${Math.round(voi.center)}` : ''}
    >
      {state === 'error' ? (
        <div className={styles.errorBox} role="alert" data-testid="viewer-error">
          <strong>The viewer could not show these images:</strong> {error}.{' '}
          <button type="button" className="secondary" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </button>
        </div>
      ) : (
        <>
          <MaskViewerToolbar
            name={`${sliderId}-grid`}
            grid={grid}
            onGrid={setGrid}
            plane={singlePlane}
            onPlane={setSinglePlane}
            ready={state === 'ready'}
            isCt={isCt}
            voi={voi}
            onWindow={(w) => mountedRef.current?.setWindow(w)}
            autoWindow={loaded?.autoWindow ?? null}
            onReset={() => mountedRef.current?.resetCameras()}
          />
          <div className={styles.grid} style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}>
            {panes.map((p, i) => {
              const ps = planes[p.plane];
              const cross = crosshairs[i];
              // a row of three planes gets its title across the row (above the first plane only, it
              // pushed that plane below the others); one plane per mask: each column its title
              const title = p.title && p.plane === shownPlanes[0] && (
                <div className={styles.paneTitle} style={shownPlanes.length > 1 ? { gridColumn: '1 / -1' } : undefined} data-testid="pane-title">
                  {p.title}
                </div>
              );
              return (
                <Fragment key={p.key}>
                  {shownPlanes.length > 1 && title}
                  <div className={styles.pane}>
                    {shownPlanes.length === 1 && title}
                    <div
                      className={styles.stage}
                      ref={(el) => {
                        stageRefs.current[i] = el;
                      }}
                      tabIndex={0}
                      role="slider"
                      aria-orientation="vertical"
                      aria-valuemin={1}
                      aria-valuemax={Math.max(ps?.count ?? 0, 1)}
                      aria-valuenow={(ps?.index ?? 0) + 1}
                      aria-label={`${p.title ?? 'Masks'} over the volume, ${p.plane} slice ${(ps?.index ?? 0) + 1} of ${ps?.count ?? 0}. Arrow keys, Page Up/Down, Home/End or the mouse wheel change the slice; drag to change the window, shift-drag to pan, right-drag to zoom, click to move the crosshair.`}
                      onKeyDown={onStageKey(p.plane)}
                      onMouseDown={onStageDown}
                      onMouseUp={onStageUp(i)}
                      data-testid="mask-viewport"
                      data-plane={p.plane}
                      data-slice={ps?.index ?? 0}
                      data-slice-count={ps?.count ?? 0}
                      data-masks={p.maskIds.join(',')}
                    >
                      {/* Cornerstone owns this element's children (its canvas); React never renders into it */}
                      {/* biome-ignore lint/a11y/noStaticElementInteractions: only suppresses the browser's context menu over the canvas (right drag zooms) */}
                      <div
                        className={styles.element}
                        ref={(el) => {
                          elementRefs.current[i] = el;
                        }}
                        onContextMenu={(e) => e.preventDefault()}
                      />
                      {cross && state === 'ready' && (
                        <svg className={styles.crosshair} aria-hidden data-testid="crosshair">
                          <line x1={0} x2="100%" y1={cross.y} y2={cross.y} />
                          <line x1={cross.x} x2={cross.x} y1={0} y2="100%" />
                        </svg>
                      )}
                      {ps && (
                        <div className={styles.corner} data-testid="slice-position">
                          {PLANE_NAME[p.plane]} {ps.index + 1} / {ps.count}
                          <br />
                          {PLANE_COORD[p.plane]} {ps.mm.toFixed(1)} mm
                        </div>
                      )}
                      {state === 'ready' && !masksDrawn && p.maskIds.length > 0 && (
                        <div className={styles.drawing} role="status" data-testid="masks-drawing">
                          Drawing the masks…
                        </div>
                      )}
                      {state === 'loading' && (
                        <div className={styles.overlay} role="status">
                          {progress < 1 ? `Loading images… ${Math.round(progress * 100)}%` : 'Preparing the volume…'}
                        </div>
                      )}
                    </div>
                  </div>
                </Fragment>
              );
            })}
            {panelInGrid && <div className={styles.pane}>{panel}</div>}
          </div>
          <div className={styles.controls}>
            <label htmlFor={sliderId}>
              {PLANE_NAME[mainPlane]} slice
              <input
                id={sliderId}
                type="range"
                min={0}
                max={Math.max(main.count - 1, 0)}
                value={clampSlice(main.index, main.count)}
                disabled={state !== 'ready'}
                onChange={(e) => goTo(mainPlane, Number(e.target.value))}
                aria-valuetext={`slice ${main.index + 1} of ${main.count}`}
                data-testid="slice-slider"
              />
              <span className="mono" data-testid="slice-label">
                {main.count ? `${main.index + 1} / ${main.count}` : '—'}
              </span>
            </label>
          </div>
          {!panelInGrid && panel}
          <p className={styles.hint}>
            Wheel or arrow keys over a plane change its slice; drag changes the window, shift-drag pans, right-drag zooms; a click moves the crosshair.
          </p>
        </>
      )}
    </section>
  );
}
