'use client';
import { useEffect } from 'react';
import type { Plane } from '@/lib/viewer/plane-orientation';
import { writeViewerUrlState, type ViewerLayout } from '@/lib/viewer/viewer-url-state';
import type { VoiWindow } from '@/lib/viewer/window-presets';

/**
 * Keeps the viewer's layout, window and slices in the page's URL once it is ready (replaceState:
 * no navigation, no history entry per slice), so a link opens the same view.
 */
export function useViewerUrl(p: {
  enabled: boolean;
  grid: ViewerLayout;
  singlePlane: Plane;
  voi: VoiWindow | null;
  slices: Partial<Record<Plane, { index: number }>>;
}): void {
  const { enabled, grid, singlePlane, voi, slices } = p;
  useEffect(() => {
    if (!enabled) return;
    const search = writeViewerUrlState(window.location.search, {
      layout: grid,
      plane: grid === '1x1' ? singlePlane : undefined,
      window: voi ?? undefined,
      slices: Object.fromEntries(Object.entries(slices).map(([plane, s]) => [plane, s?.index])) as Partial<Record<Plane, number>>,
    });
    if (search !== window.location.search) window.history.replaceState(window.history.state, '', `${window.location.pathname}${search}${window.location.hash}`);
  }, [enabled, grid, singlePlane, voi, slices]);
}
