import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { MaskViewerPanel } from './pages/mask-viewer';
import { SignInPage } from './pages/sign-in-page';
import { UploadPage } from './pages/upload-page';
import { auth, demoTokens, ownProject, waitFinished } from './support/own-project';

test.describe.configure({ timeout: 480_000 });

const CT = join(process.cwd(), 'fixtures/dicom/series/tcia-lung-pet-ct-dx-ct');
const instances = readdirSync(CT).filter((f) => f.endsWith('.dcm'));

type DicomImages = {
  format: 'dicom';
  instances: { url: string }[];
  masks: { id: string; url: string; labels: { name: string; color: [number, number, number] }[] }[];
};

test('a CT run on a DICOM series, run on an operator override of the input domain, shows its DICOM SEG over the series itself in three planes', async ({
  page,
  browser,
  request,
}) => {
  const t = demoTokens();
  // a project of its own: this study and its runs change nothing other specs count in project demo
  const project = await ownProject(request, t, 'viewer-dicom');

  // the researcher uploads the chest CT and segments it: brain-tissue refuses it by its input domain
  await new SignInPage(page).signIn('researcher');
  const upload = new UploadPage(page);
  await upload.open(project);
  await upload.addFiles(instances.map((f) => join(CT, f)));
  await upload.waitDone();
  await upload.openStudy();
  const studyUrl = page.url();
  await upload
    .seriesRows()
    .getByRole('button', { name: /^Segment/ })
    .click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  const runId = page.url().split('/').pop()!;
  const refused = await waitFinished(request, t.researcher, runId);
  expect(refused.status).toBe('failed');
  expect(refused.error).toContain('expects T1-weighted MR of the adult head');

  // an operator overrides the refusal on the run page, with a reason: the next attempt segments it all the same
  const operator = await (await browser.newContext()).newPage();
  await new SignInPage(operator).signIn('operator');
  await operator.goto(`/runs/${runId}`);
  const controls = operator.getByTestId('run-controls');
  await controls.getByRole('button', { name: 'Retry run…' }).click();
  await controls.getByLabel(/Segment it anyway/).check();
  await controls.getByLabel('Reason to retry').fill('e2e: show a CT with its SEG natively');
  await operator.screenshot({ path: 'test-results/run-retry-override.png', fullPage: true });
  await controls.getByRole('button', { name: 'Confirm retry' }).click();
  await expect(controls.getByRole('status')).toHaveText('queued again');
  await operator.context().close();
  const done = await waitFinished(request, t.researcher, runId);
  expect(done.error).toBeNull();
  expect(done.status).toBe('succeeded');

  // the images route: every de-identified instance (derived/, never raw-phi/) and the serving SEG
  const res = await request.get(`/api/runs/${runId}/images?format=dicom`, { headers: auth(t.researcher) });
  expect(res.status()).toBe(200);
  const dicom = (await res.json()) as DicomImages;
  expect(dicom.instances).toHaveLength(instances.length);
  for (const link of [...dicom.instances, ...dicom.masks]) expect(decodeURIComponent(new URL(link.url).pathname)).toMatch(/^\/[^/]+\/derived\//);
  expect(dicom.masks.map((m) => m.id)).toEqual(['serving']);
  const labels = dicom.masks[0].labels;
  expect(labels.map((l) => l.name)).toEqual(['White Matter', 'Grey Matter']);
  expect((await request.get(`/api/runs/${runId}/images?format=dicom`, { headers: auth(t.reviewer) })).status()).toBe(403);

  // the run page opens on the series itself with its SEG, in three planes
  await page.reload();
  await expect(page.getByTestId('run-warnings')).toContainText("on an operator's override (e2e: show a CT with its SEG natively)");
  await expect(page.getByRole('radio', { name: 'DICOM series with its SEG' })).toBeChecked({ timeout: 30_000 });
  const viewer = new MaskViewerPanel(page);
  await viewer.waitReady(120_000);
  await expect(viewer.viewports()).toHaveCount(3);
  expect(await viewer.planes()).toEqual(['axial', 'sagittal', 'coronal']);
  // one axial slice per instance, as the series has them
  expect((await viewer.sliceCounts())[0]).toBe(instances.length);
  await expect(viewer.root.getByTestId('legend-label')).toHaveText(['White Matter', 'Grey Matter']);
  // CT: the Hounsfield presets are offered
  await expect(viewer.root.getByRole('button', { name: 'Soft tissue' })).toBeVisible();
  // each plane: the CT drawn, and each label of the SEG in its own colour over it
  const counts = await viewer.colourCountsOnceDrawn(labels.map((l) => l.color));
  for (const [i, s] of (await viewer.canvasStats()).entries()) {
    expect(s.lit / (s.width * s.height), `${['axial', 'sagittal', 'coronal'][i]}: share of lit pixels`).toBeGreaterThan(0.05);
  }
  await page.screenshot({ path: test.info().outputPath('viewer-dicom-seg.png'), fullPage: true });
  const slices = await viewer.sliceIndexes();
  // hiding a label takes its colour off every plane
  await viewer.root.getByRole('checkbox', { name: 'Show Grey Matter' }).uncheck();
  await expect.poll(async () => (await viewer.colourCounts(labels.map((l) => l.color))).map(([wm, gm]) => wm > 50 && gm < 10)).toEqual([true, true, true]);

  // the converted volume with its NIfTI mask is one switch away, on the same slices: the SEG read in
  // the browser lies where the pipeline's NIfTI mask lies (each label's pixels per plane within 2 %)
  await page.getByRole('radio', { name: 'Converted volume (NIfTI) with its mask' }).check();
  await viewer.waitReady(120_000);
  await expect(viewer.viewports()).toHaveCount(3);
  expect(await viewer.sliceIndexes()).toEqual(slices);
  const converted = await viewer.colourCountsOnceDrawn(labels.map((l) => l.color));
  for (let plane = 0; plane < 3; plane++)
    for (let k = 0; k < labels.length; k++)
      expect(Math.abs(converted[plane][k] - counts[plane][k]) / counts[plane][k], `${labels[k].name}, plane ${plane}`).toBeLessThan(0.02);
  await page.screenshot({ path: test.info().outputPath('viewer-dicom-converted.png'), fullPage: true });

  // a reference on the series (the run's own NIfTI mask, on the converted volume's grid): Dice 1
  // against itself, and on the native view it is placed on the series by patient coordinates, in a
  // row of its own beside the SEG's, each label's pixels per plane within 2 % of the SEG's
  const outputs = (await (await request.get(`/api/runs/${runId}/outputs`, { headers: auth(t.researcher) })).json()) as {
    outputs: { file: string; url: string }[];
  };
  const mask = Buffer.from(await (await request.get(outputs.outputs.find((o) => o.file === 'mask.nii.gz')!.url)).body());
  await page.goto(studyUrl);
  const refs = page.getByRole('region', { name: 'Reference segmentations' });
  await refs.getByLabel('Reference file').setInputFiles({ name: 'ct-truth.nii.gz', mimeType: 'application/gzip', buffer: mask });
  await refs.getByRole('button', { name: 'Attach reference' }).click();
  await expect(refs.getByTestId('reference-message')).toHaveText('ct-truth.nii.gz: attached', { timeout: 60_000 });
  await page.goto(`/runs/${runId}`);
  await expect(page.getByTestId('reference-metric-row').first().locator('td').nth(1)).toHaveText('1.0000');
  await expect(page.getByRole('radio', { name: 'DICOM series with its SEG' })).toBeChecked({ timeout: 30_000 });
  await page.getByRole('radio', { name: 'Serving vs reference, side by side' }).check();
  // side by side opens on one plane per mask; the three planes are one layout away
  await viewer.waitReady(120_000);
  await viewer.root.getByRole('radio', { name: '1×3' }).check();
  await expect(viewer.viewports()).toHaveCount(6, { timeout: 60_000 });
  await viewer.waitReady(120_000);
  await expect(viewer.root.getByTestId('pane-title')).toHaveText([/DICOM SEG/, /^Reference \(NIfTI\)/]);
  expect((await viewer.sliceCounts())[0]).toBe(instances.length);
  const withReference = await viewer.colourCountsOnceDrawn(labels.map((l) => l.color));
  for (let plane = 0; plane < 3; plane++)
    for (let k = 0; k < labels.length; k++)
      expect(
        Math.abs(withReference[plane + 3][k] - withReference[plane][k]) / withReference[plane][k],
        `reference ${labels[k].name}, plane ${plane}`,
      ).toBeLessThan(0.02);
  await page.screenshot({ path: test.info().outputPath('viewer-dicom-reference.png'), fullPage: true });
});
