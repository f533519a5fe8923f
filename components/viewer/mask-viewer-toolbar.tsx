'use client';
import { PLANES, type Plane } from '@/lib/viewer/plane-orientation';
import type { ViewerLayout } from '@/lib/viewer/viewer-url-state';
import { CT_PRESETS, type VoiWindow } from '@/lib/viewer/window-presets';
import styles from './mask-viewer.module.css';

export const PLANE_NAME: Record<Plane, string> = { axial: 'Axial', sagittal: 'Sagittal', coronal: 'Coronal' };
const LAYOUT_NAME: Record<ViewerLayout, string> = { '1x1': '1×1', '1x3': '1×3', '2x2': '2×2' };

/** The viewer's toolbar: layout (and the plane of 1×1), window presets (CT) and auto, reset of pan and zoom. */
export function MaskViewerToolbar(p: {
  name: string;
  grid: ViewerLayout;
  onGrid(g: ViewerLayout): void;
  plane: Plane;
  onPlane(plane: Plane): void;
  ready: boolean;
  isCt: boolean;
  voi: VoiWindow | null;
  onWindow(w: VoiWindow): void;
  autoWindow: VoiWindow | null;
  onReset(): void;
}) {
  const auto = p.autoWindow;
  return (
    <div className={styles.toolbar}>
      <fieldset className={styles.group}>
        <legend>Layout</legend>
        {(['1x1', '1x3', '2x2'] as const).map((g) => (
          <label key={g}>
            <input type="radio" name={p.name} value={g} checked={p.grid === g} onChange={() => p.onGrid(g)} />
            {LAYOUT_NAME[g]}
          </label>
        ))}
        {p.grid === '1x1' && (
          <select aria-label="Plane" value={p.plane} onChange={(e) => p.onPlane(e.target.value as Plane)}>
            {PLANES.map((x) => (
              <option key={x} value={x}>
                {PLANE_NAME[x]}
              </option>
            ))}
          </select>
        )}
      </fieldset>
      <fieldset className={styles.group}>
        <legend>Window</legend>
        {p.isCt &&
          CT_PRESETS.map((w) => (
            <button key={w.id} type="button" className="secondary" disabled={!p.ready} onClick={() => p.onWindow(w)}>
              {w.name}
            </button>
          ))}
        <button type="button" className="secondary" disabled={!p.ready || !auto} onClick={() => auto && p.onWindow(auto)}>
          Auto
        </button>
        <span className="mono" data-testid="window-label">
          {p.voi ? `W ${Math.round(p.voi.width)} L ${Math.round(p.voi.center)}` : '—'}
        </span>
      </fieldset>
      <button type="button" className="secondary" disabled={!p.ready} onClick={p.onReset}>
        Reset pan/zoom
      </button>
    </div>
  );
}
