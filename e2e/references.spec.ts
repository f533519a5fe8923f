import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { SignInPage } from './pages/sign-in-page';
import { UploadPage } from './pages/upload-page';
import { openDemoStudy } from './pages/demo-study';

test.describe.configure({ timeout: 420_000 });

const DCMQI = join(process.cwd(), 'fixtures/dicom/series/dcmqi-ct-3slice-liver-seg');
const SHOTS = process.env.REFERENCE_SHOTS_DIR ?? 'test-results/reference-shots';

test('a researcher attaches reference segmentations from the study page; the run page compares with them and shows them as a mask', async ({ page }) => {
  mkdirSync(SHOTS, { recursive: true });
  await new SignInPage(page).signIn('researcher');

  // the dcmqi 3-slice CT as a new study, and its liver SEG as the reference
  const upload = new UploadPage(page);
  await upload.open();
  await upload.addFiles(['01.dcm', '02.dcm', '03.dcm'].map((f) => join(DCMQI, 'ct', f)));
  await upload.waitDone();
  await upload.openStudy();
  const refs = page.getByRole('region', { name: 'Reference segmentations' });
  await refs.getByLabel('Reference file').setInputFiles(join(DCMQI, 'liver_seg.dcm'));
  await refs.getByRole('button', { name: 'Attach reference' }).click();
  await expect(refs.getByTestId('reference-message')).toHaveText('liver_seg.dcm: attached', { timeout: 60_000 });
  await expect(refs.getByTestId('reference-row')).toHaveAttribute('data-status', 'ready');
  await expect(refs.getByTestId('reference-row')).toContainText('Liver');
  // a NIfTI on another grid is refused, naming the file
  await refs.getByLabel('Reference file').setInputFiles({ name: 'wrong-grid.nii.gz', mimeType: 'application/gzip', buffer: await tinyNifti() });
  await refs.getByRole('button', { name: 'Attach reference' }).click();
  await expect(refs.getByTestId('reference-message')).toContainText('wrong-grid.nii.gz: is 4×4×2 voxels, but the volume it is attached to is 512×512×3');
  await expect(refs.getByTestId('reference-row').filter({ hasText: 'wrong-grid.nii.gz' })).toHaveAttribute('data-status', 'rejected');
  await page.screenshot({ path: `${SHOTS}/study-page.png`, fullPage: true });

  // the demo study: a run, then its own mask attached as the reference (Dice 1 against itself)
  await openDemoStudy(page);
  const studyUrl = page.url();
  await page
    .getByTestId('volume-row')
    .getByRole('button', { name: /^Segment/ })
    .click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  const runUrl = page.url();
  const runId = runUrl.split('/').pop()!;
  await expect(page.getByRole('heading', { name: /^Run / }).getByTestId('run-status')).toHaveText('succeeded', { timeout: 300_000 });
  const outputs = (await (await page.request.get(`/api/runs/${runId}/outputs`)).json()) as { outputs: { file: string; url: string }[] };
  const maskLink = outputs.outputs.find((o) => o.file === 'mask.nii.gz')!;
  const mask = Buffer.from(await (await page.request.get(maskLink.url)).body());

  await page.goto(studyUrl);
  const demoRefs = page.getByRole('region', { name: 'Reference segmentations' });
  await demoRefs.getByLabel('Reference file').setInputFiles({ name: 'tissue-truth.nii.gz', mimeType: 'application/gzip', buffer: mask });
  await demoRefs.getByRole('button', { name: 'Attach reference' }).click();
  await expect(demoRefs.getByTestId('reference-message')).toHaveText('tissue-truth.nii.gz: attached', { timeout: 60_000 });

  await page.goto(runUrl);
  const rows = page.getByTestId('reference-metric-row');
  await expect(rows).toHaveCount(2);
  await expect(rows.first().locator('td').nth(1)).toHaveText('1.0000');
  await expect(rows.first().locator('td').nth(2)).toHaveText('0.00');
  await page.getByRole('radio', { name: 'Serving vs reference, side by side' }).check();
  // the reference as its own pane beside the serving mask, with its legend
  await expect(page.getByRole('slider', { name: /^Reference \(NIfTI\) over the volume/ }).first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('mask-viewer')).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
  await page.screenshot({ path: `${SHOTS}/run-page.png`, fullPage: true });
});

/** a valid 4×4×2 uint8 NIfTI-1 labelmap (gzip), on no grid of the CT */
async function tinyNifti(): Promise<Buffer> {
  const { gzipSync } = await import('node:zlib');
  const bytes = Buffer.alloc(352 + 32);
  bytes.writeInt32LE(348, 0);
  bytes.writeInt16LE(3, 40);
  [4, 4, 2, 1, 1, 1, 1].forEach((d, i) => {
    bytes.writeInt16LE(d, 42 + 2 * i);
  });
  bytes.writeInt16LE(2, 70); // uint8
  bytes.writeInt16LE(8, 72);
  [1, 1, 1, 1].forEach((v, i) => {
    bytes.writeFloatLE(v, 76 + 4 * i);
  });
  bytes.writeFloatLE(352, 108);
  bytes.writeInt16LE(1, 254); // sform
  bytes.writeFloatLE(1, 280);
  bytes.writeFloatLE(1, 300);
  bytes.writeFloatLE(1, 320);
  bytes.write('n+1\0', 344, 'latin1');
  bytes[352] = 1;
  return gzipSync(bytes);
}
