import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MaskViewerPanel, type CanvasStats } from './pages/mask-viewer';
import { SignInPage } from './pages/sign-in-page';

// the demo run (two models on the CPU) takes minutes on a loaded machine before the viewer is checked
test.describe.configure({ timeout: 600_000 });

type Tokens = Record<'researcher' | 'reviewer' | 'operator' | 'admin', string>;
type RunBody = { run: { id: string; status: string; studyLabel: string; kind: string; seriesId: string; error: string | null } };

function tokens(): Tokens {
  return JSON.parse(readFileSync(join(process.cwd(), '.data/e2e/demo-tokens.json'), 'utf8')) as Tokens;
}

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * The demo volume: the one NIfTI volume of the project's oldest study (seeded before any upload), so
 * this spec submits exactly what e2e/runs.spec.ts submits from the study page and shares its run.
 */
async function demoVolume(page: Page, request: APIRequestContext, token: string): Promise<string> {
  await new SignInPage(page).signIn('researcher');
  await page.goto('/studies?project=demo');
  const hrefs = await page
    .getByRole('table')
    .getByRole('link')
    .evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  const studyId = hrefs[hrefs.length - 1].split('/').pop()!; // newest first: the last one is the demo study
  const res = await request.get(`/api/studies/${studyId}`, { headers: auth(token) });
  expect(res.status()).toBe(200);
  const study = (await res.json()) as { volumes: { id: string }[] };
  await page.context().clearCookies();
  return study.volumes[0].id;
}

async function finishedRun(page: Page, request: APIRequestContext, token: string): Promise<RunBody['run']> {
  const series = await demoVolume(page, request, token);
  const submitted = await request.post('/api/projects/demo/runs', { headers: auth(token), data: { series, model: 'brain-tissue' } });
  expect([200, 201]).toContain(submitted.status());
  const { run } = (await submitted.json()) as RunBody;
  let current = run;
  await expect
    .poll(
      async () => {
        current = ((await (await request.get(`/api/runs/${run.id}`, { headers: auth(token) })).json()) as RunBody).run;
        return current.status;
      },
      { timeout: 240_000, intervals: [2_000] },
    )
    .toMatch(/succeeded|failed|cancelled/);
  expect(current.error).toBeNull();
  expect(current.status).toBe('succeeded');
  return current;
}

function expectDrawn(s: CanvasStats, what: string) {
  expect(s.width * s.height, `${what}: canvas size`).toBeGreaterThan(10_000);
  expect(s.lit / (s.width * s.height), `${what}: share of lit pixels`).toBeGreaterThan(0.05);
  expect(s.labelRed, `${what}: grey-matter coloured pixels`).toBeGreaterThan(500);
  expect(s.labelBlue, `${what}: white-matter coloured pixels`).toBeGreaterThan(500);
}

test('the run page shows the serving mask over the volume; a reviewer compares live and shadow side by side and records a verdict', async ({
  page,
  browser,
  request,
}) => {
  const t = tokens();
  const run = await finishedRun(page, request, t.researcher);

  // the API: researchers get the serving mask only, reviewers nothing (they go through review cases)
  const researcherImages = await request.get(`/api/runs/${run.id}/images`, { headers: auth(t.researcher) });
  expect(researcherImages.status()).toBe(200);
  const body = (await researcherImages.json()) as {
    masks: { id: string; url: string; labels: { name: string; color: [number, number, number] }[] }[];
    volume: { url: string };
  };
  // the palette colours the viewer draws (white matter's white would not stand out on the T1)
  const labels = body.masks.find((m) => m.id === 'serving')!.labels;
  expect(labels.map((l) => [l.name, l.color])).toEqual([
    ['White Matter', [31, 144, 255]],
    ['Grey Matter', [205, 62, 78]],
  ]);
  const colours = labels.map((l) => l.color);
  // references.spec may have attached a reference to the demo study: it is a further mask, not the researcher's run output
  expect(body.masks.map((m) => m.id).filter((id) => id !== 'reference')).toEqual(['serving']);
  for (const url of [body.volume.url, ...body.masks.map((m) => m.url)]) expect(decodeURIComponent(new URL(url).pathname)).toMatch(/^\/[^/]+\/derived\//);
  if (t.reviewer) expect((await request.get(`/api/runs/${run.id}/images`, { headers: auth(t.reviewer) })).status()).toBe(403);

  // researcher: the three planes on the run page, each with the image and both label colours
  await new SignInPage(page).signIn('researcher');
  await page.goto(`/runs/${run.id}`);
  const viewer = new MaskViewerPanel(page);
  await viewer.waitReady();
  await expect(viewer.root).toHaveAttribute('data-grid', '1x3');
  await expect(viewer.viewports()).toHaveCount(3);
  expect(await viewer.planes()).toEqual(['axial', 'sagittal', 'coronal']);
  await expect(viewer.root.getByTestId('legend-label')).toHaveText(['White Matter', 'Grey Matter']);
  let before: CanvasStats[] = [];
  await expect
    .poll(
      async () => {
        before = await viewer.canvasStats();
        return before.map((s) => s.labelRed > 500 && s.labelBlue > 500);
      },
      { timeout: 20_000 },
    )
    .toEqual([true, true, true]);
  for (const [i, s] of before.entries()) expectDrawn(s, `researcher ${['axial', 'sagittal', 'coronal'][i]}`);
  // every label of the mask in its own palette colour (blended over the grey image, or opaque on its outline), in every plane
  for (const [i, perLabel] of (await viewer.colourCounts(colours)).entries())
    for (const [k, n] of perLabel.entries()) expect(n, `${labels[k].name} in its colour, ${['axial', 'sagittal', 'coronal'][i]}`).toBeGreaterThan(500);
  await page.screenshot({ path: test.info().outputPath('viewer-1x3.png'), fullPage: true });
  // the 256³ demo volume: 256 slices in every plane, each with its position in mm
  for (const count of await viewer.sliceCounts()) expect(count).toBe(256);
  await expect(viewer.root.getByTestId('slice-position').first()).toContainText(/Axial \d+ \/ 256\s*z -?\d+\.\d mm/);
  // label volumes from the mask's voxels (1 mm³ voxels), within what the model's spec calls plausible
  const volumes = await viewer.root.getByTestId('segment-volume').allTextContents();
  expect(volumes).toHaveLength(2);
  for (const v of volumes) expect(Number(v.replace(' ml', ''))).toBeGreaterThan(100);
  const first = await viewer.slice();
  expect(await viewer.sliceCount()).toBe(256);
  await viewer.wheel(5);
  await expect.poll(() => viewer.slice()).not.toBe(first);
  await expect.poll(async () => (await viewer.canvasStats())[0].hash).not.toBe(before[0].hash);
  // the wheel moved the axial plane only; the crosshair in the sagittal pane followed it
  expect((await viewer.canvasStats())[1].hash).toBe(before[1].hash);
  // keyboard: the viewport takes focus and the arrow keys move one slice
  const afterWheel = await viewer.slice();
  await viewer.viewports().first().focus();
  await page.keyboard.press('ArrowDown');
  await expect.poll(() => viewer.slice()).toBe(afterWheel - 1);
  // a click in the axial pane moves the sagittal and coronal planes through that point
  const sagittalBefore = (await viewer.sliceIndexes())[1];
  const box = (await viewer.viewports().first().boundingBox())!;
  await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.5);
  await expect.poll(async () => (await viewer.sliceIndexes())[1]).not.toBe(sagittalBefore);
  // hiding a label takes its colour off every plane; the masks lie on the anatomy (where they were
  // drawn, the image itself is lit, not the black around the head)
  await viewer.rememberLabelPixels();
  await viewer.root.getByRole('checkbox', { name: 'Show Grey Matter' }).uncheck();
  await expect.poll(async () => (await viewer.canvasStats()).map((s) => s.labelRed < 50 && s.labelBlue > 500)).toEqual([true, true, true]);
  await viewer.root.getByRole('checkbox', { name: 'Show White Matter' }).uncheck();
  await expect.poll(async () => (await viewer.canvasStats()).map((s) => s.labelBlue < 50)).toEqual([true, true, true]);
  for (const share of await viewer.rememberedPixelsOverImage()) expect(share, 'label pixels over the image').toBeGreaterThan(0.95);
  for (const name of ['Show Grey Matter', 'Show White Matter']) await viewer.root.getByRole('checkbox', { name }).check();
  // window presets are offered for CT only; Auto sets a window from the histogram
  await viewer.root.getByRole('button', { name: 'Auto' }).click();
  await expect(viewer.root).toHaveAttribute('data-window', /^\d+,\d+$/);
  // the layouts: 1×1 (one plane) and 2×2 (three planes and the segmentation panel)
  await viewer.root.getByRole('radio', { name: '1×1' }).check();
  await viewer.waitReady();
  await expect(viewer.viewports()).toHaveCount(1);
  await expect.poll(async () => (await viewer.canvasStats())[0].labelRed, { timeout: 20_000 }).toBeGreaterThan(500);
  await page.screenshot({ path: test.info().outputPath('viewer-1x1.png'), fullPage: true });
  await viewer.root.getByRole('radio', { name: '2×2' }).check();
  await viewer.waitReady();
  await expect(viewer.viewports()).toHaveCount(3);
  await expect.poll(async () => (await viewer.canvasStats()).map((s) => s.labelBlue > 500), { timeout: 20_000 }).toEqual([true, true, true]);
  await page.screenshot({ path: test.info().outputPath('viewer-2x2.png'), fullPage: true });
  // the view is in the URL: a link opens the same layout, slices and window
  const slices = await viewer.sliceIndexes();
  const windowNow = await viewer.root.getAttribute('data-window');
  await expect.poll(() => new URL(page.url()).searchParams.get('layout')).toBe('2x2');
  const link = page.url();
  await page.goto('about:blank');
  await page.goto(link);
  await viewer.waitReady();
  await expect(viewer.root).toHaveAttribute('data-grid', '2x2');
  expect(await viewer.sliceIndexes()).toEqual(slices);
  await expect(viewer.root).toHaveAttribute('data-window', windowNow!);
  // researchers never see the shadow mask nor a switch to it
  // (a switch to a reference segmentation may be there: references.spec attaches one to the demo study)
  await expect(page.getByRole('radio', { name: /shadow/i })).toHaveCount(0);
  // nor the review pages
  await page.goto('/reviews');
  await expect(page.getByTestId('forbidden')).toContainText('review:read');

  // operator: the serving/shadow switch shows both masks side by side
  const operator = await browser.newPage();
  await new SignInPage(operator).signIn('operator');
  await operator.goto(`/runs/${run.id}`);
  const opViewer = new MaskViewerPanel(operator);
  await opViewer.waitReady();
  await operator.getByRole('radio', { name: 'Serving vs shadow, side by side' }).check();
  // each mask in its own row of the three planes, each pane drawing both labels in their colours
  await expect(opViewer.viewports()).toHaveCount(6);
  await opViewer.waitReady();
  await expect(opViewer.root.getByTestId('pane-title')).toHaveText([/brain-tissue 1\.0\.0 \(live\)/, /brain-tissue 1\.0\.0-fp16 \(shadow\)/]);
  await expect
    .poll(async () => (await opViewer.colourCounts(colours)).map((perLabel) => perLabel.every((n) => n > 500)), { timeout: 20_000 })
    .toEqual(Array(6).fill(true));
  // live and fp16 shadow agree almost everywhere: the same label's pixels in the two rows, plane by plane, within 5 %
  const sideBySide = await opViewer.colourCounts(colours);
  for (let plane = 0; plane < 3; plane++)
    for (let k = 0; k < colours.length; k++) expect(Math.abs(sideBySide[plane][k] - sideBySide[plane + 3][k]) / sideBySide[plane][k]).toBeLessThan(0.05);
  await operator.screenshot({ path: test.info().outputPath('viewer-side-by-side.png'), fullPage: true });
  await operator.close();

  // reviewer: the case of this run in the queue, then side by side with the metrics and a verdict
  const reviewer = await browser.newPage();
  await new SignInPage(reviewer).signIn('reviewer');
  await reviewer.goto('/reviews');
  const row = reviewer.locator(`[data-testid="review-row"][data-run="${run.id}"]`).first();
  await expect(row).toBeVisible();
  await row.getByRole('link').click();
  await expect(reviewer.getByRole('heading', { name: new RegExp(`Review of study ${run.studyLabel}`) })).toBeVisible();
  // a case opens in diff mode (e2e/diff.spec.ts); the two masks side by side are one link away
  await reviewer.getByRole('link', { name: 'Masks side by side' }).click();
  const cmp = new MaskViewerPanel(reviewer);
  await cmp.waitReady();
  await expect(cmp.viewports()).toHaveCount(2);
  await expect(cmp.root.getByTestId('pane-title')).toHaveText(['Live', 'Shadow']);
  await expect(cmp.root.getByRole('table', { name: 'Labels of Shadow' })).toBeVisible();
  await expect.poll(async () => (await cmp.canvasStats()).map((s) => s.labelRed > 500), { timeout: 20_000 }).toEqual([true, true]);
  for (const [i, s] of (await cmp.canvasStats()).entries()) expectDrawn(s, `review viewport ${i}`);
  // both viewports follow one slice
  const start = await cmp.slice();
  const hashes = (await cmp.canvasStats()).map((s) => s.hash);
  await cmp.wheel(-4);
  await expect.poll(() => cmp.slice()).toBe(start - 4);
  await expect.poll(async () => (await cmp.canvasStats()).map((s, i) => s.hash !== hashes[i])).toEqual([true, true]);
  await expect(reviewer.getByTestId('metric-row')).toHaveCount(2);
  await expect(reviewer.getByTestId('metric-row').first()).toContainText('White Matter');

  await reviewer.getByRole('radio', { name: 'Shadow is better' }).check();
  await reviewer.getByLabel('Comment (optional)').fill('e2e: cortex boundary');
  await reviewer.getByRole('button', { name: /verdict/ }).click();
  await expect(reviewer.getByTestId('verdict-saved')).toHaveAttribute('data-verdict', 'shadow_better');
  // it is stored: after a reload the page shows it, and so does the queue
  await reviewer.reload();
  await expect(reviewer.getByRole('radio', { name: 'Shadow is better' })).toBeChecked();
  await expect(reviewer.getByTestId('verdict-saved')).toContainText('Shadow is better');
  await reviewer.goto('/reviews');
  await expect(reviewer.locator(`[data-testid="review-row"][data-run="${run.id}"]`).first().getByTestId('review-verdict')).toHaveText('Shadow is better');
  await reviewer.close();
});
