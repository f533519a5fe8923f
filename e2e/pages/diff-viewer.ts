import { expect, type Locator, type Page } from '@playwright/test';

/**
 * The colours diff mode draws (components/viewer/diff-colors.ts), as a test reads them back: live-only
 * and shadow-only opaque (exact colours), agreement (0, 158, 115) at 45 % over the grey image: a
 * green-teal, green and blue well above red and green above blue (no other diff colour, nor grey, is).
 */
export const DIFF_RGB = {
  liveOnly: [230, 159, 0],
  shadowOnly: [86, 180, 233],
} as const;
export const AGREE_OVER_GREY = { minGreenOverRed: 40, minBlueOverRed: 25 } as const;
export type DiffColour = keyof typeof DIFF_RGB | 'agree';

/** Diff mode (components/viewer/diff-viewer.tsx) as a test sees it: state, slice, the difference canvas's pixels. */
export class DiffViewerPanel {
  readonly root: Locator;
  constructor(private readonly page: Page) {
    this.root = page.getByTestId('diff-viewer');
  }

  async waitReady(timeout = 120_000): Promise<void> {
    await expect(this.root).toHaveAttribute('data-state', /ready|error/, { timeout });
    const error = this.root.getByTestId('viewer-error');
    if (await error.count()) throw new Error(`diff viewer error: ${await error.textContent()}`);
  }

  async slice(): Promise<number> {
    return Number(await this.root.getAttribute('data-slice'));
  }

  /** Presses a key with the viewer focused (n / p: next / previous worst slice). */
  async press(key: string): Promise<void> {
    await this.root.focus();
    await this.page.keyboard.press(key);
  }

  /** Pixels of each diff colour drawn on the difference canvas now (exact colours: it is drawn opaque). */
  async colourCounts(): Promise<Record<DiffColour, number> & { slice: number }> {
    return this.root.getByTestId('diff-canvas-difference').evaluate(
      (el, { rgb, agree }) => {
        const canvas = el as HTMLCanvasElement;
        const d = canvas.getContext('2d', { willReadFrequently: true })!.getImageData(0, 0, canvas.width, canvas.height).data;
        const counts: Record<string, number> = { agree: 0, ...Object.fromEntries(Object.keys(rgb).map((k) => [k, 0])) };
        for (let i = 0; i < d.length; i += 4) {
          for (const [k, [r, g, b]] of Object.entries(rgb)) if (d[i] === r && d[i + 1] === g && d[i + 2] === b) counts[k]++;
          if (d[i + 1] - d[i] >= agree.minGreenOverRed && d[i + 2] - d[i] >= agree.minBlueOverRed && d[i + 1] > d[i + 2]) counts.agree++;
        }
        return { ...counts, slice: Number(canvas.dataset.slice) } as Record<DiffColour, number> & { slice: number };
      },
      { rgb: DIFF_RGB, agree: AGREE_OVER_GREY },
    );
  }
}
