import type { ViewerLabel } from '@/lib/viewer/schemas';

export type Rgba = [number, number, number, number];

/**
 * A Cornerstone colour LUT for one mask: entry i is the colour of voxel value i. Background (0) is
 * transparent; values the label table does not list get no entry here (Cornerstone then fills them
 * from its default palette, so an unexpected value is still visible rather than hidden).
 */
export function colorLut(labels: ViewerLabel[]): Rgba[] {
  const max = labels.reduce((m, l) => Math.max(m, l.value), 0);
  const lut: Rgba[] = [[0, 0, 0, 0]];
  for (let v = 1; v <= max; v++) {
    const l = labels.find((x) => x.value === v);
    lut.push(l ? [l.color[0], l.color[1], l.color[2], 255] : [128, 128, 128, 255]);
  }
  return lut;
}
