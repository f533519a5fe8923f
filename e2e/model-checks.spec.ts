import { expect, test } from '@playwright/test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SignInPage } from './pages/sign-in-page';
import { UploadPage } from './pages/upload-page';

test.describe.configure({ timeout: 480_000 });

const CT = join(process.cwd(), 'fixtures/dicom/series/tcia-lung-pet-ct-dx-ct');
const FLAIR = join(process.cwd(), 'fixtures/nifti/niivue-flair-lesion/FLAIR.nii.gz');
const shots = process.env.E2E_SCREENSHOTS ?? 'test-results/screenshots';

test('the brain model refuses a chest CT series with the reason, and flags an implausible mask on a FLAIR volume', async ({ page, browser }) => {
  await new SignInPage(page).signIn('researcher');
  const upload = new UploadPage(page);
  await upload.open();
  await upload.addFiles([
    ...readdirSync(CT)
      .filter((f) => f.endsWith('.dcm'))
      .map((f) => join(CT, f)),
    FLAIR,
  ]);
  await upload.waitDone();
  await upload.openStudy();
  const studyUrl = page.url();

  // the chest CT: refused before inference, with what the model expects and what the series is
  await upload
    .seriesRows()
    .getByRole('button', { name: /^Segment/ })
    .click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: /^Run / }).getByTestId('run-status')).toHaveText('failed', { timeout: 300_000 });
  await expect(page.getByTestId('run-error')).toContainText('expects T1-weighted MR of the adult head (skull-stripped or not); this series is CT of the chest');
  const checks = page.getByRole('table', { name: 'Checks of infer-serving' }).getByTestId('check-row');
  await expect(checks.filter({ hasText: 'modality' })).toContainText('failed');
  await page.screenshot({ path: `${shots}/run-refused-ct.png`, fullPage: true });

  // the FLAIR volume: inside the declared domain as far as a NIfTI says, but too little white matter for a T1 brain
  await page.goto(studyUrl);
  await upload
    .volumeRows()
    .getByRole('button', { name: /^Segment/ })
    .click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: /^Run / }).getByTestId('run-status')).toHaveText('succeeded', { timeout: 300_000 });
  await expect(page.getByTestId('run-warnings')).toContainText('White Matter is 124.4 ml; brain-tissue expects 150 ml–900 ml, not empty');
  await expect(page.getByRole('table', { name: 'Checks of infer-serving' }).getByTestId('check-row').filter({ hasText: 'modality' })).toContainText(
    'not-checked',
  );
  await page.screenshot({ path: `${shots}/run-warning-flair.png`, fullPage: true });

  await page.goto('/runs?project=demo');
  await expect(page.getByTestId('run-warning').first()).toBeVisible();
  await page.screenshot({ path: `${shots}/runs-list-warning.png`, fullPage: true });

  const operator = await browser.newPage();
  await new SignInPage(operator).signIn('operator');
  await operator.goto('/models');
  await expect(operator.getByTestId('model-brain-tissue')).toContainText('T1-weighted MR of the adult head');
  await operator.screenshot({ path: `${shots}/models.png`, fullPage: true });
});
