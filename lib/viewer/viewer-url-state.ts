import { PLANES, type Plane } from './plane-orientation';
import type { VoiWindow } from './window-presets';

/**
 * The viewer's state in the page's query string, so a link opens the same view:
 * `layout=1x3&plane=axial&ww=400&wc=40&ax=120&sag=128&cor=97` (slices 1-based, as shown). A value
 * that does not parse is left out (the viewer's default applies), never an error: links get edited.
 */
export const LAYOUTS = ['1x1', '1x3', '2x2'] as const;
export type ViewerLayout = (typeof LAYOUTS)[number];

export interface ViewerUrlState {
  layout?: ViewerLayout;
  /** the plane a 1×1 layout shows */
  plane?: Plane;
  window?: VoiWindow;
  /** 0-based slice index per plane */
  slices: Partial<Record<Plane, number>>;
}

const SLICE_PARAM: Record<Plane, string> = { axial: 'ax', sagittal: 'sag', coronal: 'cor' };
const OWN_PARAMS = ['layout', 'plane', 'ww', 'wc', ...Object.values(SLICE_PARAM)];

function finite(s: string | null): number | null {
  if (s === null || s.trim() === '') return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

export function parseViewerUrlState(search: string): ViewerUrlState {
  const q = new URLSearchParams(search);
  const state: ViewerUrlState = { slices: {} };
  const layout = q.get('layout');
  if (layout && (LAYOUTS as readonly string[]).includes(layout)) state.layout = layout as ViewerLayout;
  const plane = q.get('plane');
  if (plane && (PLANES as readonly string[]).includes(plane)) state.plane = plane as Plane;
  const ww = finite(q.get('ww'));
  const wc = finite(q.get('wc'));
  if (ww !== null && wc !== null && ww > 0) state.window = { width: ww, center: wc };
  for (const p of PLANES) {
    const n = finite(q.get(SLICE_PARAM[p]));
    if (n !== null && Number.isInteger(n) && n >= 1) state.slices[p] = n - 1;
  }
  return state;
}

/** The query string with the viewer's state written into it; other parameters are kept as they are. */
export function writeViewerUrlState(search: string, state: ViewerUrlState): string {
  const q = new URLSearchParams(search);
  for (const k of OWN_PARAMS) q.delete(k);
  if (state.layout) q.set('layout', state.layout);
  if (state.plane) q.set('plane', state.plane);
  if (state.window) {
    q.set('ww', String(Math.round(state.window.width * 10) / 10));
    q.set('wc', String(Math.round(state.window.center * 10) / 10));
  }
  for (const p of PLANES) {
    const i = state.slices[p];
    if (i !== undefined) q.set(SLICE_PARAM[p], String(i + 1));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
