/**
 * The one palette the viewer draws labels with when a model's own colour would not stand out over
 * a grey image: saturated, mid-bright colours (no white, no near-black, no grey), in the order they
 * are handed out. Declared once; every mask, legend and panel takes its colours from labelTable().
 */
export const LABEL_PALETTE: readonly (readonly [number, number, number])[] = [
  [31, 144, 255], // blue
  [255, 170, 0], // amber
  [0, 200, 120], // green
  [220, 60, 200], // magenta
  [0, 205, 215], // cyan
  [255, 100, 40], // orange
  [140, 100, 255], // violet
  [170, 220, 0], // lime
  [230, 50, 70], // red
  [255, 120, 170], // pink
];

/** The smallest chroma (max − min channel) and the luminance range a label colour needs over grey. */
const MIN_CHROMA = 80;
const MIN_LUMA = 50;
const MAX_LUMA = 230;

function luma([r, g, b]: readonly number[]): number {
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Whether a colour is told apart from any grey level: saturated enough, neither near-white nor near-black. */
export function standsOutOnGrey(c: readonly [number, number, number]): boolean {
  const chroma = Math.max(...c) - Math.min(...c);
  const y = luma(c);
  return chroma >= MIN_CHROMA && y >= MIN_LUMA && y <= MAX_LUMA;
}

function distance(a: readonly number[], b: readonly number[]): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/**
 * The colours to draw a label table with: a model's colour where it stands out on grey, otherwise
 * the first palette colour far from every colour already taken (so white matter drawn pure white
 * over a T1 becomes blue beside a red grey matter).
 */
export function displayColors(colors: readonly (readonly [number, number, number])[]): [number, number, number][] {
  const taken: (readonly [number, number, number])[] = colors.filter(standsOutOnGrey);
  return colors.map((c) => {
    if (standsOutOnGrey(c)) return [c[0], c[1], c[2]];
    const pick = LABEL_PALETTE.find((p) => taken.every((t) => distance(p, t) > 120)) ?? LABEL_PALETTE[taken.length % LABEL_PALETTE.length];
    taken.push(pick);
    return [pick[0], pick[1], pick[2]];
  });
}
