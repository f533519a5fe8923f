/**
 * `npm run bench viewer`: how long after the page's data arrives (the links to the volume and the
 * mask) the viewer draws its first frame with mask pixels, for the 256³ demo volume in headless
 * Chromium with software GL. The real viewer engine (components/viewer/engine: download, decode,
 * labelmap, viewports) is bundled with esbuild and run in Debian's Chromium against a local HTTP
 * server; the clock stops at the first animation frame whose canvas holds label-coloured pixels. The
 * baseline, measured in the same run and interleaved round by round, is the first frame of the
 * image alone (no mask) through the same engine. The mask is made here on the volume's grid (two
 * labels by intensity) so the bench needs no inference. Each round is a fresh page (engine start,
 * WebGL context, shader compile included), as a reader opening the run page gets.
 */
import { chromium } from '@playwright/test';
import { build } from 'esbuild';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { freePort } from '../test/free-port';
import type { BenchLine } from './harness';

const ROUNDS = 5;
const VOLUME = join(process.cwd(), 'fixtures/nifti/brainchop-t1/t1_crop.nii.gz');

const PAGE_ENTRY = `
import { loadImages } from './components/viewer/engine/load-images';
import { mountViewports } from './components/viewer/engine/mount-viewports';
const labels = [{ value: 1, name: 'White Matter', color: [31, 144, 255] }, { value: 2, name: 'Grey Matter', color: [205, 62, 78] }];
function frameHas(element, withMask) {
  const canvas = element.querySelector('canvas');
  const ctx = canvas && canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx || canvas.width === 0) return false;
  const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) {
    const [r, g, b] = [d[i], d[i + 1], d[i + 2]];
    if (withMask ? (r - g > 40 && r - b > 30) || (b - r > 50 && b - g > 25) : r + g + b > 45) n++;
  }
  return n > 500;
}
window.runViewer = async (volumeUrl, maskUrl) => {
  const element = document.getElementById('vp');
  const t0 = performance.now();
  const masks = maskUrl ? [{ id: 'serving', title: 'mask', url: maskUrl, labels }] : [];
  const images = await loadImages({ volumeUrl, masks, isCancelled: () => false, onProgress: () => {} });
  const tLoaded = performance.now();
  await mountViewports({ images, panes: [{ element, plane: 'axial', segmentationIds: images.masks.map((m) => m.segmentationId) }] });
  for (;;) {
    await new Promise((r) => requestAnimationFrame(r));
    if (frameHas(element, Boolean(maskUrl))) break;
    if (performance.now() - t0 > 120000) throw new Error('no frame within 120 s');
  }
  return { total: performance.now() - t0, load: tLoaded - t0 };
};
`;

/** A two-label uint8 mask NIfTI on the grid of `volumeGz` (labels by intensity: 1 above the 60th percentile, 2 between the 30th and 60th). */
function maskFor(volumeGz: Buffer): Buffer {
  const v = gunzipSync(volumeGz);
  const header = Buffer.from(v.subarray(0, 348));
  const dims = [1, 2, 3].map((i) => v.readInt16LE(40 + 2 * i));
  const datatype = v.readInt16LE(70);
  const offset = Math.round(v.readFloatLE(108));
  const n = dims[0] * dims[1] * dims[2];
  const read: Record<number, (i: number) => number> = {
    2: (i) => v.readUInt8(offset + i),
    4: (i) => v.readInt16LE(offset + 2 * i),
    16: (i) => v.readFloatLE(offset + 4 * i),
    512: (i) => v.readUInt16LE(offset + 2 * i),
  };
  const at = read[datatype];
  if (!at) throw new Error(`${VOLUME}: NIfTI datatype ${datatype} is not handled by the bench`);
  const values = Float32Array.from({ length: n }, (_, i) => at(i));
  const sorted = values.filter((x) => x > 0).sort();
  const p30 = sorted[Math.floor(sorted.length * 0.3)];
  const p60 = sorted[Math.floor(sorted.length * 0.6)];
  const mask = Buffer.alloc(352 + n);
  header.copy(mask, 0);
  mask.writeInt16LE(2, 70); // uint8
  mask.writeInt16LE(8, 72); // bitpix
  mask.writeFloatLE(352, 108); // vox_offset
  mask.writeFloatLE(1, 112); // scl_slope
  mask.writeFloatLE(0, 116); // scl_inter
  for (let i = 0; i < n; i++) mask[352 + i] = values[i] > p60 ? 1 : values[i] > p30 ? 2 : 0;
  return mask;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function run(): Promise<BenchLine[]> {
  const bundle = await build({
    stdin: { contents: PAGE_ENTRY, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    minify: true,
    // Cornerstone's codec packages name node built-ins they never use in the browser
    external: ['fs', 'path'],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  });
  const js = bundle.outputFiles[0].text;
  const volume = readFileSync(VOLUME);
  const mask = maskFor(volume);
  const html =
    '<!doctype html><html><body style="margin:0"><div id="vp" style="width:512px;height:512px"></div><script type="module" src="/app.js"></script></body></html>';
  const http = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const body: [string, string | Buffer] | undefined = {
      '/': ['text/html', html] as [string, string],
      '/app.js': ['text/javascript', js] as [string, string],
      '/volume.nii.gz': ['application/octet-stream', volume] as [string, Buffer],
      '/mask.nii': ['application/octet-stream', mask] as [string, Buffer],
    }[path];
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': body[0], 'content-length': Buffer.byteLength(body[1]) }).end(body[1]);
  });
  const port = await freePort();
  await new Promise<void>((r) => http.listen(port, '127.0.0.1', r));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  });
  const once = async (withMask: boolean) => {
    const page = await browser.newPage();
    try {
      page.on('pageerror', (e) => console.error('[bench page]', e.message));
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(() => 'runViewer' in window);
      const base = `http://127.0.0.1:${port}`;
      return await page.evaluate(
        ([v, m]) => (window as unknown as { runViewer(v: string, m: string | null): Promise<{ total: number; load: number }> }).runViewer(v, m),
        [`${base}/volume.nii.gz`, withMask ? `${base}/mask.nii` : null] as const,
      );
    } finally {
      await page.close();
    }
  };
  const overlay: number[] = [];
  const overlayLoad: number[] = [];
  const image: number[] = [];
  try {
    await once(true); // warm the file cache and the browser's code cache alike for both
    for (let i = 0; i < ROUNDS; i++) {
      const a = await once(false);
      image.push(a.total);
      const b = await once(true);
      overlay.push(b.total);
      overlayLoad.push(b.load);
    }
  } finally {
    await browser.close();
    http.close();
  }
  const first = median(overlay);
  return [
    {
      name: 'viewer first frame with mask pixels (256³ demo volume, axial, headless Chromium, software GL)',
      value: first,
      unit: 'ms',
      ratios: [
        { against: `first image frame without mask (${median(image).toFixed(0)} ms)`, ratio: first / median(image) },
        { against: 'the issue’s 2 s', ratio: first / 2000, target: '≤ 1.00' },
      ],
    },
    {
      name: 'of which download + decode + labelmap (before the viewports mount)',
      value: median(overlayLoad),
      unit: 'ms',
      ratios: [{ against: 'first frame with mask pixels', ratio: median(overlayLoad) / first }],
    },
  ];
}
