'use client';
import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { LoadedImages } from './engine/load-images';
import type { MountedViewports } from './engine/mount-viewports';
import { MaskLegend } from './mask-legend';
import type { MaskViewerProps, MaskViewerState } from './mask-viewer-types';
import { clampSlice, sliceForKey } from './slice-keys';
import styles from './mask-viewer.module.css';

export type { MaskViewerMask, MaskViewerLayout, MaskViewerProps } from './mask-viewer-types';

/** A link's identity without its signature: fresh presigned links to the same objects are the same images. */
function objectOf(url: string): string {
  return url.split('?')[0];
}

function webgl2Available(): boolean {
  try {
    return Boolean(document.createElement('canvas').getContext('webgl2'));
  } catch {
    return false;
  }
}

function messageOf(err: unknown): string {
  if (err instanceof Error && err.name === 'ViewerLoadError') return err.message;
  if (err instanceof Error && err.message) return `the images could not be shown (${err.message})`;
  return 'the images could not be shown';
}

/**
 * Axial slices of a volume with segmentation masks drawn over them as labelmaps, coloured by their
 * label tables. `overlay`: one viewport with every mask; `side-by-side`: one viewport per mask, all
 * on the same slice. Cornerstone3D lives outside React (components/viewer/engine/, loaded on the
 * client only); this component is its shell: it loads, mounts, and tears everything down on
 * unmount, and a stale load (props changed, StrictMode's double mount) is dropped.
 */
export function MaskViewer({ volumeUrl, masks, layout }: MaskViewerProps) {
  const [state, setState] = useState<MaskViewerState>('loading');
  const [error, setError] = useState<string | null>(null);
  const [progress, setProgress] = useState(0);
  const [loaded, setLoaded] = useState<LoadedImages | null>(null);
  const [slice, setSlice] = useState({ index: 0, count: 0 });
  const [opacity, setOpacity] = useState(0.5);
  const [attempt, setAttempt] = useState(0);
  const latest = useRef({ volumeUrl, masks });
  latest.current = { volumeUrl, masks };
  const opacityRef = useRef(opacity);
  opacityRef.current = opacity;
  const mountedRef = useRef<MountedViewports | null>(null);
  const targetRef = useRef(0);
  const keptSliceRef = useRef<number | null>(null);
  /** moves to a slice; a no-op until viewports are mounted */
  const goRef = useRef<(target: number) => void>(() => {});
  const stageRefs = useRef<(HTMLDivElement | null)[]>([]);
  const elementRefs = useRef<(HTMLDivElement | null)[]>([]);
  const sliderId = useId();
  const opacityId = useId();

  const dataKey = [objectOf(volumeUrl), ...masks.map((m) => `${m.id}=${objectOf(m.url)}`)].join('|');
  const sideBySide = layout === 'side-by-side' && masks.length > 1;
  const maskNames = masks.map((m) => `${m.id}:${m.title}`).join('|');
  // biome-ignore lint/correctness/useExhaustiveDependencies: the panes follow the masks' ids and titles (maskNames), not their re-signed URLs
  const panes = useMemo(
    () =>
      sideBySide
        ? latest.current.masks.map((m) => ({ key: m.id, title: m.title as string | null, maskIds: [m.id] }))
        : [{ key: 'overlay', title: null as string | null, maskIds: latest.current.masks.map((m) => m.id) }],
    // the panes follow the masks' ids and titles, not their (re-signed) URLs
    [sideBySide, maskNames],
  );

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
    setSlice({ index: 0, count: 0 });
    keptSliceRef.current = null;
    (async () => {
      if (!webgl2Available()) {
        const e = new Error(
          'WebGL 2 is not available in this browser (it may be turned off, or hardware acceleration disabled), and the viewer needs it to draw volumes',
        );
        e.name = 'ViewerLoadError';
        throw e;
      }
      const { loadImages } = await import('./engine/load-images');
      const { volumeUrl: v, masks: m } = latest.current;
      images = await loadImages({ volumeUrl: v, masks: m, isCancelled: () => cancelled, onProgress: (f) => !cancelled && setProgress(f) });
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
    const stages = stageRefs.current.slice(0, panes.length);
    const elements = elementRefs.current.slice(0, panes.length);
    const onWheel = (e: WheelEvent) => {
      const m = mountedRef.current;
      if (!m || e.deltaY === 0) return;
      e.preventDefault();
      go(targetRef.current + (e.deltaY > 0 ? 1 : -1));
    };
    const go = (target: number) => {
      const m = mountedRef.current;
      if (!m) return;
      targetRef.current = clampSlice(target, m.sliceCount);
      void m.setSlice(targetRef.current).then((index) => {
        if (mountedRef.current === m) setSlice({ index, count: m.sliceCount });
      }, fail);
    };
    goRef.current = go;
    (async () => {
      if (elements.some((e) => !e)) throw new Error('viewport elements are missing');
      const { mountViewports } = await import('./engine/mount-viewports');
      const segmentationOf = new Map(loaded.masks.map((m) => [m.id, m.segmentationId]));
      mounted = await mountViewports({
        images: loaded,
        elements: elements as HTMLDivElement[],
        segmentationsPerViewport: panes.map((p) => p.maskIds.map((id) => segmentationOf.get(id)).filter((x): x is string => Boolean(x))),
        opacity: opacityRef.current,
      });
      if (cancelled) return mounted.destroy();
      // a new layout over the same images stays on the slice the reader was looking at
      const keep = keptSliceRef.current;
      if (keep !== null && keep !== mounted.sliceIndex()) await mounted.setSlice(keep);
      if (cancelled) return mounted.destroy();
      mountedRef.current = mounted;
      targetRef.current = mounted.sliceIndex();
      setSlice({ index: targetRef.current, count: mounted.sliceCount });
      for (const s of stages) s?.addEventListener('wheel', onWheel, { passive: false });
      setState('ready');
    })().catch((err: unknown) => {
      if (!cancelled) fail(err);
    });
    return () => {
      cancelled = true;
      for (const s of stages) s?.removeEventListener('wheel', onWheel);
      mountedRef.current = null;
      goRef.current = () => {};
      mounted?.destroy();
    };
  }, [loaded, panes, fail]);

  useEffect(() => {
    keptSliceRef.current = slice.count ? slice.index : null;
  }, [slice]);

  useEffect(() => {
    mountedRef.current?.setOpacity(opacity);
  }, [opacity]);

  const onStageKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const target = sliceForKey(e.key, targetRef.current, slice.count);
    if (target === null) return;
    e.preventDefault();
    goRef.current(target);
  };

  const legendLabels = (maskIds: string[]) => masks.filter((m) => maskIds.includes(m.id));

  return (
    <section
      className={styles.viewer}
      aria-label="Image viewer"
      data-testid="mask-viewer"
      data-state={state}
      data-layout={panes.length > 1 ? 'side-by-side' : 'overlay'}
      data-slice={slice.index}
      data-slice-count={slice.count}
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
          <div className={styles.grid} style={{ gridTemplateColumns: `repeat(${panes.length}, minmax(0, 1fr))` }}>
            {panes.map((p, i) => (
              <div className={styles.pane} key={p.key}>
                {p.title && <div className={styles.paneTitle}>{p.title}</div>}
                <div
                  className={styles.stage}
                  ref={(el) => {
                    stageRefs.current[i] = el;
                  }}
                  tabIndex={0}
                  role="slider"
                  aria-orientation="vertical"
                  aria-valuemin={1}
                  aria-valuemax={Math.max(slice.count, 1)}
                  aria-valuenow={slice.index + 1}
                  aria-label={`${p.title ?? 'Masks'} over the volume, axial slice ${slice.index + 1} of ${slice.count}. Arrow keys, Page Up/Down, Home/End or the mouse wheel change the slice.`}
                  onKeyDown={onStageKey}
                  data-testid="mask-viewport"
                  data-masks={p.maskIds.join(',')}
                >
                  {/* Cornerstone owns this element's children (its canvas); React never renders into it */}
                  {/* biome-ignore lint/a11y/noStaticElementInteractions: only suppresses the browser's context menu over the canvas */}
                  <div
                    className={styles.element}
                    ref={(el) => {
                      elementRefs.current[i] = el;
                    }}
                    onContextMenu={(e) => e.preventDefault()}
                  />
                  {state === 'loading' && (
                    <div className={styles.overlay} role="status">
                      {progress < 1 ? `Loading images… ${Math.round(progress * 100)}%` : 'Preparing the volume…'}
                    </div>
                  )}
                </div>
                {panes.length > 1 && <MaskLegend labels={legendLabels(p.maskIds).flatMap((m) => m.labels)} />}
              </div>
            ))}
          </div>
          <div className={styles.controls}>
            <label htmlFor={sliderId}>
              Slice
              <input
                id={sliderId}
                type="range"
                min={0}
                max={Math.max(0, slice.count - 1)}
                value={slice.index}
                disabled={state !== 'ready'}
                onChange={(e) => goRef.current(Number(e.target.value))}
                aria-valuetext={`slice ${slice.index + 1} of ${slice.count}`}
                data-testid="slice-slider"
              />
              <span className="mono" data-testid="slice-label">
                {slice.count ? `${slice.index + 1} / ${slice.count}` : '—'}
              </span>
            </label>
            <label htmlFor={opacityId}>
              Mask opacity
              <input
                id={opacityId}
                type="range"
                min={0}
                max={100}
                value={Math.round(opacity * 100)}
                onChange={(e) => setOpacity(Number(e.target.value) / 100)}
                data-testid="opacity-slider"
              />
              <span className="mono">{Math.round(opacity * 100)}%</span>
            </label>
            {panes.length === 1 && masks.map((m) => <MaskLegend key={m.id} title={masks.length > 1 ? m.title : undefined} labels={m.labels} />)}
          </div>
          <p className={styles.hint}>Scroll with the mouse wheel over the image, or focus it and use the arrow keys.</p>
        </>
      )}
    </section>
  );
}
