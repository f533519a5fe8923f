'use client';
import { useCallback, useMemo } from 'react';
import { applyAffine, invertAffine } from '@/lib/imaging/nifti/mat4';
import type { Mat4 } from '@/lib/imaging/volume';
import type { Plane } from '@/lib/viewer/plane-orientation';
import type { ViewerLabel } from '@/lib/viewer/schemas';
import { DIFF_CLASSES } from './diff-colors';
import { MaskViewer } from './mask-viewer';
import type { MaskViewerMask } from './mask-viewer-types';
import { clampSlice } from './slice-keys';

type Vec3 = [number, number, number];
const rasToLps = ([x, y, z]: Vec3): Vec3 => [-x, -y, z];

/** the difference labelmap's classes as a mask's labels (value 0, both background, is not drawn) */
const DIFF_LABELS: ViewerLabel[] = DIFF_CLASSES.map((c) => ({ value: c.value, name: c.label, color: c.color }));
/** agreement faint, disagreements opaque, as on the one-slice difference image (diff-colors.ts) */
const DIFF_OPACITY: Record<number, number> = Object.fromEntries(DIFF_CLASSES.map((c) => [c.value, c.cls === 'agree' ? 0.3 : 1]));

/**
 * Diff mode in three planes: the difference labelmap, the live and the shadow mask, one row each,
 * in the mask viewer's synced MPR (its planes, crosshairs, window and segmentation panel). The
 * profile's slice (the worst-slice keys, the chart) drives the plane it cuts, and a slice chosen in
 * the planes (wheel, keys, a click) moves the profile's slice: the two are one cursor. Slices are
 * matched by patient position through the volume's affine, so they agree whatever order the viewer
 * holds the slices in.
 */
export function DiffPlanes(p: {
  volumeUrl: string;
  diffUrl: string;
  live: { title: string; url: string; labels: ViewerLabel[] };
  shadow: { title: string; url: string; labels: ViewerLabel[] };
  /** the volume's affine (voxel → RAS mm) and the profile's slice axis, the plane it cuts, its slice count */
  affine: Mat4;
  axis: 0 | 1 | 2;
  plane: Plane;
  slices: number;
  slice: number;
  onSlice(slice: number): void;
}) {
  const { affine, axis, plane, slices, slice, onSlice } = p;
  const masks = useMemo<MaskViewerMask[]>(
    () => [
      { id: 'difference', title: 'Difference', url: p.diffUrl, labels: DIFF_LABELS, opacity: DIFF_OPACITY },
      { id: 'live', title: p.live.title, url: p.live.url, labels: p.live.labels },
      { id: 'shadow', title: p.shadow.title, url: p.shadow.url, labels: p.shadow.labels },
    ],
    [p.diffUrl, p.live, p.shadow],
  );
  const follow = useMemo(() => {
    const voxel: Vec3 = [0, 0, 0];
    voxel[axis] = slice;
    return { plane, pointLps: rasToLps(applyAffine(affine, voxel)) };
  }, [affine, axis, plane, slice]);
  const inverse = useMemo(() => invertAffine(affine), [affine]);
  const onCursor = useCallback(
    (pointLps: Vec3) => {
      const s = clampSlice(Math.round(applyAffine(inverse, rasToLps(pointLps))[axis]), slices);
      if (s !== slice) onSlice(s);
    },
    [inverse, axis, slices, slice, onSlice],
  );
  return (
    <div data-testid="diff-planes">
      <MaskViewer volumeUrl={p.volumeUrl} masks={masks} layout="side-by-side" initialGrid="1x3" syncUrl={false} follow={follow} onCursor={onCursor} />
    </div>
  );
}
