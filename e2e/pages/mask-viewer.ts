import { expect, type Locator, type Page } from '@playwright/test';

export interface CanvasStats {
  width: number;
  height: number;
  /** pixels brighter than near-black: the volume is drawn */
  lit: number;
  /** pixels whose red clearly exceeds green and blue: the grey-matter label colour (205, 62, 78) over grey */
  labelRed: number;
  /** pixels clearly blue: the white-matter label, drawn in the palette's blue (its model colour, white, has no contrast on grey) */
  labelBlue: number;
  /** a cheap fingerprint of the pixels, to tell two renderings apart */
  hash: number;
}

/** The mask viewer (components/viewer/mask-viewer.tsx) as a test sees it: state, slice, canvas pixels. */
export class MaskViewerPanel {
  readonly root: Locator;
  constructor(private readonly page: Page) {
    this.root = page.getByTestId('mask-viewer');
  }

  viewports(): Locator {
    return this.root.getByTestId('mask-viewport');
  }

  async waitReady(timeout = 90_000): Promise<void> {
    await expect(this.root).toHaveAttribute('data-state', /ready|error/, { timeout });
    const error = this.root.getByTestId('viewer-error');
    if (await error.count()) throw new Error(`viewer error: ${await error.textContent()}`);
    await expect(this.root).toHaveAttribute('data-state', 'ready');
  }

  async slice(): Promise<number> {
    return Number(await this.root.getAttribute('data-slice'));
  }

  async sliceCount(): Promise<number> {
    return Number(await this.root.getAttribute('data-slice-count'));
  }

  /** The plane of each viewport, in page order. */
  async planes(): Promise<string[]> {
    return this.viewports().evaluateAll((els) => els.map((e) => e.getAttribute('data-plane') ?? ''));
  }

  /** The slice (0-based) each viewport shows. */
  async sliceIndexes(): Promise<number[]> {
    return this.viewports().evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-slice'))));
  }

  async sliceCounts(): Promise<number[]> {
    return this.viewports().evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-slice-count'))));
  }

  /** Reads back the pixels Cornerstone drew into each viewport's canvas. */
  async canvasStats(): Promise<CanvasStats[]> {
    return this.viewports().evaluateAll((stages) =>
      stages.map((stage) => {
        const canvas = stage.querySelector('canvas');
        const ctx = canvas?.getContext('2d', { willReadFrequently: true });
        if (!canvas || !ctx) return { width: 0, height: 0, lit: 0, labelRed: 0, labelBlue: 0, hash: 0 };
        const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        let lit = 0;
        let labelRed = 0;
        let labelBlue = 0;
        let hash = 0;
        for (let i = 0; i < d.length; i += 4) {
          const [r, g, b] = [d[i], d[i + 1], d[i + 2]];
          if (r + g + b > 45) lit++;
          if (r - g > 40 && r - b > 30) labelRed++;
          if (b - r > 50 && b - g > 25) labelBlue++;
          hash = (hash * 31 + r + 3 * g + 7 * b) | 0;
        }
        return { width: canvas.width, height: canvas.height, lit, labelRed, labelBlue, hash };
      }),
    );
  }

  /**
   * Per viewport, how many pixels are drawn in each of `colors` over the grey image: a pixel p is of
   * colour c when p = a·c + (1 − a)·(g, g, g) for one opacity a (0.15…1) and one grey g, within a
   * rounding tolerance; outlines are drawn opaque (a = 1, p = c). Two label colours far apart never
   * match the same pixel, so each label is counted by its own colour, not by a hue.
   */
  async colourCounts(colors: (readonly [number, number, number])[]): Promise<number[][]> {
    return this.viewports().evaluateAll(
      (stages, cs) =>
        stages.map((stage) => {
          const canvas = stage.querySelector('canvas');
          const ctx = canvas?.getContext('2d', { willReadFrequently: true });
          const counts = cs.map(() => 0);
          if (!canvas || !ctx) return counts;
          const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
          for (let i = 0; i < d.length; i += 4) {
            const p = [d[i], d[i + 1], d[i + 2]];
            cs.forEach((c, k) => {
              // the opacity that explains the spread between the channels, then the grey left over
              const spread = Math.max(c[0], c[1], c[2]) - Math.min(c[0], c[1], c[2]);
              const hi = c.indexOf(Math.max(...c));
              const lo = c.indexOf(Math.min(...c));
              const a = (p[hi] - p[lo]) / spread;
              if (a < 0.15 || a > 1.05) return;
              const greys = p.map((v, ch) => (a >= 0.999 ? 0 : (v - a * c[ch]) / (1 - a)));
              const g = greys.reduce((x, y) => x + y, 0) / 3;
              if (a < 0.999 && (g < -3 || g > 258)) return;
              const fits = p.every((v, ch) => Math.abs(v - (a * c[ch] + (1 - a) * (a >= 0.999 ? 0 : g))) <= 6);
              if (fits) counts[k]++;
            });
          }
          return counts;
        }),
      colors.map((c) => [c[0], c[1], c[2]]),
    );
  }

  /**
   * Waits until every viewport draws each of `colors` on more than `min` pixels (the data is in and
   * rendered), then returns the counts per viewport and colour (colourCounts).
   */
  async colourCountsOnceDrawn(colors: (readonly [number, number, number])[], min = 50, timeout = 30_000): Promise<number[][]> {
    let counts: number[][] = [];
    await expect
      .poll(
        async () => {
          counts = await this.colourCounts(colors);
          return counts.length > 0 && counts.every((perColour) => perColour.every((n) => n > min));
        },
        { timeout },
      )
      .toBe(true);
    // the viewer's "Drawing the masks…" line goes once they are on the canvas
    await expect(this.root.getByTestId('masks-drawing')).toHaveCount(0, { timeout: 10_000 });
    return counts;
  }

  /** Remembers where each viewport now draws label-coloured pixels (see rememberedPixelsOverImage). */
  async rememberLabelPixels(): Promise<void> {
    await this.viewports().evaluateAll((stages) => {
      (window as unknown as { __labelPixels: number[][] }).__labelPixels = stages.map((stage) => {
        const canvas = stage.querySelector('canvas');
        const ctx = canvas?.getContext('2d', { willReadFrequently: true });
        if (!canvas || !ctx) return [];
        const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        const at: number[] = [];
        for (let i = 0; i < d.length; i += 4) {
          const [r, g, b] = [d[i], d[i + 1], d[i + 2]];
          if ((r - g > 40 && r - b > 30) || (b - r > 50 && b - g > 25)) at.push(i);
        }
        return at;
      });
    });
  }

  /**
   * With the masks hidden: the share of the remembered label pixels where the image itself is lit.
   * A mask on the anatomy is drawn over the head, not over the black around it: near 1.
   */
  async rememberedPixelsOverImage(): Promise<number[]> {
    return this.viewports().evaluateAll((stages) =>
      stages.map((stage, k) => {
        const at = (window as unknown as { __labelPixels: number[][] }).__labelPixels[k] ?? [];
        const canvas = stage.querySelector('canvas');
        const ctx = canvas?.getContext('2d', { willReadFrequently: true });
        if (!canvas || !ctx || at.length === 0) return 0;
        const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        return at.filter((i) => d[i] + d[i + 1] + d[i + 2] > 45).length / at.length;
      }),
    );
  }

  async wheel(steps: number): Promise<void> {
    await this.viewports().first().hover();
    for (let i = 0; i < Math.abs(steps); i++) await this.page.mouse.wheel(0, steps > 0 ? 100 : -100);
  }
}
