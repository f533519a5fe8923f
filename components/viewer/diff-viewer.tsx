'use client';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { readNifti } from '@/lib/imaging/nifti/read-nifti';
import type { Volume } from '@/lib/imaging/volume';
import { labelDifference } from '@/lib/metrics/label-difference';
import type { TDisagreementProfile } from '@/lib/metrics/mask-difference';
import { stepWorstSlice, worstSlices } from '@/lib/metrics/worst-slices';
import type { ViewerLabel } from '@/lib/viewer/schemas';
import { DIFF_ALPHA, DIFF_CLASSES, DIFF_LUT, DIFF_RING_LIMIT } from './diff-colors';
import { DiffPlanes } from './diff-planes';
import { DiffProfileChart } from './diff-profile-chart';
import { greyWindow, pixelsWith, renderSlice, slicePlane, type SlicePlane } from './diff-slice';
import { fetchNifti, ViewerLoadError } from './engine/fetch-nifti';
import { MaskLegend } from './mask-legend';
import styles from './mask-viewer.module.css';
import { clampSlice, sliceForKey } from './slice-keys';

export interface DiffViewerMask {
  title: string;
  url: string;
  labels: ViewerLabel[];
}

export interface DiffViewerProps {
  volumeUrl: string;
  live: DiffViewerMask;
  shadow: DiffViewerMask;
  /** the compare step's difference labelmap (lib/metrics/mask-difference.ts values) */
  diffUrl: string;
  /** the compare step's stored differing voxels per slice */
  profile: TDisagreementProfile;
  /** the slice to open at (a URL parameter); absent: the worst slice */
  initialSlice?: number | null;
  /** the URL search parameter that keeps the slice (so a link opens the same slice) */
  sliceParam?: string;
  /** open in three planes (the URL's `planes=1`) rather than one slice */
  initialPlanes?: boolean;
}

type Loaded = { volume: Volume; live: Uint8Array; shadow: Uint8Array; diff: Uint8Array; plane: SlicePlane; window: { low: number; high: number } };

/** value → colour of a mask's labels (only `only`'s when one label is picked) */
function lutOf(labels: ViewerLabel[], only: number | null = null): ([number, number, number] | null)[] {
  const lut: ([number, number, number] | null)[] = new Array(256).fill(null);
  for (const l of labels) if (l.value !== 0 && (only === null || l.value === only)) lut[l.value] = l.color;
  return lut;
}

interface LoadInput {
  volumeUrl: string;
  liveUrl: string;
  shadowUrl: string;
  diffUrl: string;
  axis: 0 | 1 | 2;
  slices: number;
}

async function load(p: LoadInput, signal: AbortSignal): Promise<Loaded> {
  const get = async (url: string, what: string) =>
    readNifti(new Uint8Array(await (await fetchNifti({ url, what, signal, onProgress: () => {} })).arrayBuffer()), what);
  const [volume, live, shadow, diff] = await Promise.all([
    get(p.volumeUrl, 'volume'),
    get(p.liveUrl, 'live mask'),
    get(p.shadowUrl, 'shadow mask'),
    get(p.diffUrl, 'difference labelmap'),
  ]);
  for (const [what, v] of [
    ['live mask', live],
    ['shadow mask', shadow],
    ['difference labelmap', diff],
  ] as const) {
    if (v.dims.some((n, i) => n !== volume.dims[i]))
      throw new ViewerLoadError(`the ${what} (${v.dims.join('×')}) is not on the volume's grid (${volume.dims.join('×')})`);
    if (!(v.data instanceof Uint8Array)) throw new ViewerLoadError(`the ${what} is not an 8-bit labelmap`);
  }
  if (volume.dims[p.axis] !== p.slices) throw new ViewerLoadError(`the disagreement profile counts ${p.slices} slices, the volume has ${volume.dims[p.axis]}`);
  return {
    volume,
    live: live.data as Uint8Array,
    shadow: shadow.data as Uint8Array,
    diff: diff.data as Uint8Array,
    plane: slicePlane(volume.dims, volume.affine, p.axis),
    window: greyWindow(volume.data),
  };
}

/** differing voxels per slice: of every label, or of the picked one (the stored profile's counts) */
function countsOf(profile: TDisagreementProfile, label: number | null): number[] {
  return label === null ? profile.total : (profile.labels.find((l) => l.value === label)?.counts ?? profile.total);
}

const DIFFERING = new Set(DIFF_CLASSES.filter((c) => c.cls !== 'agree').map((c) => c.value));

function SliceCanvas(p: {
  testId: string;
  title: string;
  loaded: Loaded;
  slice: number;
  labels: Uint8Array;
  lut: readonly ([number, number, number] | null)[];
  alpha: number;
  /** the difference image: agreement translucent, and a ring around each differing voxel on slices with few of them */
  difference?: boolean;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  const { loaded, slice, labels, lut, alpha, difference } = p;
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const { plane } = loaded;
    const px = renderSlice({
      plane,
      slice,
      volume: loaded.volume.data,
      window: loaded.window,
      labels,
      lut,
      alpha,
      alphas: difference ? DIFF_ALPHA : undefined,
    });
    ctx.putImageData(new ImageData(px, plane.width, plane.height), 0, 0);
    if (!difference) return;
    const ring = Math.max(4, Math.round(plane.width / 48));
    for (const [col, row, value] of pixelsWith(plane, slice, labels, DIFFERING, DIFF_RING_LIMIT) ?? []) {
      const c = lut[value];
      if (!c) continue;
      ctx.strokeStyle = `rgb(${c.join(',')})`;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.arc(col + 0.5, row + 0.5, ring, 0, 2 * Math.PI);
      ctx.stroke();
    }
  }, [loaded, slice, labels, lut, alpha, difference]);
  return (
    <div className={styles.pane}>
      <div className={styles.paneTitle}>{p.title}</div>
      <canvas
        ref={ref}
        data-testid={p.testId}
        data-slice={slice}
        width={loaded.plane.width}
        height={loaded.plane.height}
        style={{
          width: '100%',
          aspectRatio: `${loaded.plane.width} / ${loaded.plane.height}`,
          imageRendering: 'pixelated',
          background: '#000',
          borderRadius: 4,
        }}
      />
    </div>
  );
}

/**
 * Diff mode: the compare step's difference labelmap (agreement, live-only, shadow-only, label
 * differs) beside the live and the shadow mask, all on the same slice; the disagreement profile
 * along the slice axis; "n" / "p" (and the buttons) go to the next / previous worst slice, the
 * arrow keys, Page Up/Down, Home and End move as in the mask viewer. Opens at the worst slice
 * unless a slice is given; the slice is kept in the URL. A label picked shows that label's
 * differences only (lib/metrics/label-difference.ts), and the worst slices follow its own counts.
 * "Three planes" shows the difference and both masks in synced MPR instead (diff-planes.tsx), on
 * the same slice.
 */
export function DiffViewer(props: DiffViewerProps) {
  const { profile, sliceParam = 'slice' } = props;
  const [picked, setPicked] = useState<number | null>(null);
  const counts = useMemo(() => countsOf(profile, picked), [picked, profile]);
  const order = useMemo(() => worstSlices(counts), [counts]);
  const [slice, setSliceState] = useState(() =>
    props.initialSlice != null ? clampSlice(props.initialSlice, profile.slices) : (order[0] ?? Math.floor(profile.slices / 2)),
  );
  const [planes, setPlanesState] = useState(Boolean(props.initialPlanes));
  const setPlanes = (on: boolean) => {
    setPlanesState(on);
    const url = new URL(window.location.href);
    if (on) url.searchParams.set('planes', '1');
    else url.searchParams.delete('planes');
    window.history.replaceState(window.history.state, '', url);
  };
  const [state, setState] = useState<{ kind: 'loading' } | { kind: 'ready'; loaded: Loaded } | { kind: 'error'; message: string }>({ kind: 'loading' });

  const { volumeUrl, diffUrl } = props;
  const liveUrl = props.live.url;
  const shadowUrl = props.shadow.url;
  const { axis, slices } = profile;
  useEffect(() => {
    const ctrl = new AbortController();
    load({ volumeUrl, liveUrl, shadowUrl, diffUrl, axis, slices }, ctrl.signal).then(
      (loaded) => setState({ kind: 'ready', loaded }),
      (err: unknown) => {
        if (ctrl.signal.aborted) return;
        setState({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
      },
    );
    return () => ctrl.abort();
  }, [volumeUrl, liveUrl, shadowUrl, diffUrl, axis, slices]);

  const setSlice = useCallback(
    (s: number) => {
      const next = clampSlice(s, profile.slices);
      setSliceState(next);
      const url = new URL(window.location.href);
      url.searchParams.set(sliceParam, String(next));
      window.history.replaceState(window.history.state, '', url);
    },
    [profile.slices, sliceParam],
  );
  const stepWorst = (step: 1 | -1) => {
    const s = stepWorstSlice(order, slice, step);
    if (s !== null) setSlice(s);
  };
  const onKey = (e: React.KeyboardEvent) => {
    // a key a plane of the three-plane view took (it moves that plane, and the profile follows)
    if (e.defaultPrevented) return;
    if (e.key === 'n' || e.key === 'p') {
      e.preventDefault();
      stepWorst(e.key === 'n' ? 1 : -1);
      return;
    }
    const s = sliceForKey(e.key, slice, profile.slices);
    if (s !== null) {
      e.preventDefault();
      setSlice(s);
    }
  };
  const rank = order.indexOf(slice);
  const liveLut = useMemo(() => lutOf(props.live.labels, picked), [props.live.labels, picked]);
  const shadowLut = useMemo(() => lutOf(props.shadow.labels, picked), [props.shadow.labels, picked]);
  const loaded = state.kind === 'ready' ? state.loaded : null;
  // one label's difference, computed here from the two masks (the stored labelmap has every label's)
  const one = useMemo(() => (loaded && picked !== null ? labelDifference(loaded.live, loaded.shadow, picked) : null), [loaded, picked]);
  const classes = one ? DIFF_CLASSES.filter((c) => c.cls !== 'labelDiffers') : DIFF_CLASSES;
  const voxelsOf = (cls: (typeof DIFF_CLASSES)[number]['cls']) => (one ? one.voxels[cls as keyof typeof one.voxels] : profile.voxels[cls]);

  return (
    <section
      className={styles.viewer}
      aria-label="Differences between the live and the shadow mask"
      data-testid="diff-viewer"
      data-state={state.kind}
      data-slice={slice}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: the viewer takes the slice keys
      tabIndex={0}
      onKeyDown={onKey}
    >
      <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap', marginBottom: 8 }}>
        <button type="button" onClick={() => stepWorst(-1)} disabled={order.length === 0} aria-keyshortcuts="p">
          ← Previous worst slice (p)
        </button>
        <button type="button" onClick={() => stepWorst(1)} disabled={order.length === 0} aria-keyshortcuts="n">
          Next worst slice (n) →
        </button>
        <span role="radiogroup" aria-label="Diff view" style={{ display: 'inline-flex', gap: 8 }}>
          {(
            [
              [false, 'One slice'],
              [true, 'Three planes'],
            ] as const
          ).map(([on, label]) => (
            <label key={label} style={{ display: 'inline-flex', gap: 4, alignItems: 'center' }}>
              <input type="radio" name="diff-view" checked={planes === on} onChange={() => setPlanes(on)} />
              {label}
            </label>
          ))}
        </span>
        <label>
          Label{' '}
          <select
            value={picked ?? ''}
            onChange={(e) => {
              const value = e.target.value === '' ? null : Number(e.target.value);
              setPicked(value);
              const worst = worstSlices(countsOf(profile, value))[0];
              if (worst !== undefined) setSlice(worst);
            }}
          >
            <option value="">All labels</option>
            {profile.labels.map((l) => (
              <option key={l.value} value={l.value}>
                {l.name}
              </option>
            ))}
          </select>
        </label>
        <span data-testid="diff-slice-status">
          {profile.orientation} slice <strong className="mono">{slice + 1}</strong> of {profile.slices} ·{' '}
          <strong data-testid="diff-slice-count">{counts[slice]}</strong> differing voxels
          {picked !== null && ` of ${profile.labels.find((l) => l.value === picked)?.name}`}
          {rank >= 0 ? ` · ${ordinal(rank + 1)} worst of ${order.length} slices that differ` : order.length === 0 ? ' · the masks agree everywhere' : ''}
        </span>
      </div>
      {state.kind === 'error' ? (
        <div className="card error" role="alert" data-testid="viewer-error">
          The images could not be loaded: {state.message}
        </div>
      ) : state.kind === 'loading' ? (
        <div className="card muted" role="status">
          Loading the volume, both masks and their difference…
        </div>
      ) : planes ? (
        <>
          {picked !== null && <p className="muted">The planes show every label&apos;s differences; the slice keys follow the picked label&apos;s.</p>}
          <DiffPlanes
            volumeUrl={props.volumeUrl}
            diffUrl={props.diffUrl}
            live={props.live}
            shadow={props.shadow}
            affine={state.loaded.volume.affine}
            axis={profile.axis}
            plane={profile.orientation}
            slices={profile.slices}
            slice={slice}
            onSlice={setSlice}
          />
        </>
      ) : (
        <div className={styles.grid} style={{ gridTemplateColumns: 'repeat(3, minmax(0, 1fr))' }}>
          <SliceCanvas
            testId="diff-canvas-difference"
            title="Difference"
            loaded={state.loaded}
            slice={slice}
            labels={one?.diff ?? state.loaded.diff}
            lut={DIFF_LUT}
            alpha={1}
            difference
          />
          <SliceCanvas
            testId="diff-canvas-live"
            title={props.live.title}
            loaded={state.loaded}
            slice={slice}
            labels={state.loaded.live}
            lut={liveLut}
            alpha={0.5}
          />
          <SliceCanvas
            testId="diff-canvas-shadow"
            title={props.shadow.title}
            loaded={state.loaded}
            slice={slice}
            labels={state.loaded.shadow}
            lut={shadowLut}
            alpha={0.5}
          />
        </div>
      )}
      <ul className={styles.legend} aria-label="Legend: difference" data-testid="diff-legend">
        {classes.map((c) => (
          <li key={c.cls} data-value={c.value}>
            <span className={styles.swatch} style={{ background: `rgb(${c.color.join(',')})` }} aria-hidden />
            {c.label} ({voxelsOf(c.cls).toLocaleString('en')} voxels)
          </li>
        ))}
      </ul>
      <MaskLegend title="Masks" labels={picked === null ? props.live.labels : props.live.labels.filter((l) => l.value === picked)} />
      <DiffProfileChart total={counts} slice={slice} onSlice={setSlice} />
    </section>
  );
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${s}`;
}
