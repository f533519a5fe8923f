/**
 * Window/level for the viewer: the CT presets radiologists expect (Hounsfield units) and, for MR
 * (arbitrary units), a window from the volume's own histogram.
 */
export interface VoiWindow {
  /** window width */
  width: number;
  /** window centre (level) */
  center: number;
}

export const CT_PRESETS = [
  { id: 'brain', name: 'Brain', width: 80, center: 40 },
  { id: 'soft-tissue', name: 'Soft tissue', width: 400, center: 40 },
  { id: 'lung', name: 'Lung', width: 1500, center: -600 },
  { id: 'bone', name: 'Bone', width: 1800, center: 400 },
] as const;

export type CtPresetId = (typeof CT_PRESETS)[number]['id'];

/** Lower and upper bounds of a window (what Cornerstone calls a VOI range). */
export function voiRange(w: VoiWindow): { lower: number; upper: number } {
  return { lower: w.center - w.width / 2, upper: w.center + w.width / 2 };
}

export function voiWindow(r: { lower: number; upper: number }): VoiWindow {
  return { width: r.upper - r.lower, center: (r.lower + r.upper) / 2 };
}

/**
 * A window from the histogram: the 1st to 99.5th percentile of the voxels above the volume's
 * minimum (the background of a skull-stripped MR, or the air around a head, would pull the window
 * down otherwise). Sampled: at most ~1 M voxels are looked at.
 */
export function autoWindow(values: ArrayLike<number>): VoiWindow {
  const step = Math.max(1, Math.floor(values.length / 1_000_000));
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < values.length; i += step) if (values[i] < min) min = values[i];
  let n = 0;
  for (let i = 0; i < values.length; i += step) if (values[i] > min) n++;
  if (n === 0) return { width: 1, center: min };
  // a typed array sorts numerically, natively (a million-element number[] with a comparator is slow)
  const sample = new Float64Array(n);
  for (let i = 0, j = 0; i < values.length; i += step) if (values[i] > min) sample[j++] = values[i];
  sample.sort();
  const at = (q: number) => sample[Math.min(sample.length - 1, Math.floor(q * (sample.length - 1)))];
  const lower = at(0.01);
  const upper = at(0.995);
  return voiWindow({ lower, upper: upper > lower ? upper : lower + 1 });
}
