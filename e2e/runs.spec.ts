import { expect, test } from '@playwright/test';
import { SignInPage } from './pages/sign-in-page';
import { openDemoStudy } from './pages/demo-study';

test.describe.configure({ timeout: 300_000 });

test('a researcher segments the demo volume from its study page; the operator also sees the shadow comparison', async ({ page, browser }) => {
  await new SignInPage(page).signIn('researcher');
  const studyId = await openDemoStudy(page);
  await page
    .getByTestId('volume-row')
    .getByRole('button', { name: /^Segment/ })
    .click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  const runUrl = page.url();
  // the page refreshes itself while the run is queued or running
  await expect(page.getByRole('heading', { name: /^Run / }).getByTestId('run-status')).toHaveText('succeeded', { timeout: 240_000 });
  const steps = page.getByTestId('step-row');
  await expect(steps.locator('td:first-child')).toHaveText(['ingest', 'deidentify', 'convert', 'infer-serving', 'manifest']);
  await expect(steps.getByTestId('run-status')).toHaveText(Array(5).fill('succeeded'));
  await expect(page.getByTestId('manifest')).toContainText('manifests/');
  // researchers never see the shadow model's results
  await expect(page.getByRole('table', { name: 'Comparison' })).toHaveCount(0);
  await expect(page.locator('body')).not.toContainText('fp16');

  // the same submission again opens the same run
  await page.goBack();
  await page
    .getByTestId('volume-row')
    .getByRole('button', { name: /^Segment/ })
    .click();
  await expect(page).toHaveURL(runUrl);

  const operator = await browser.newPage();
  await new SignInPage(operator).signIn('operator');
  await operator.goto(runUrl);
  await expect(operator.getByTestId('step-row').locator('td:first-child')).toContainText(['infer-shadow', 'compare']);
  const rows = operator.getByTestId('comparison-row');
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText('White Matter');
  const dice = Number(await rows.first().locator('td').nth(1).textContent());
  expect(dice).toBeGreaterThan(0.99);
  // the demo study's runs (other specs submit runs of other studies in this project)
  await operator.goto(`/runs?project=demo&study=${studyId}`);
  await expect(operator.getByTestId('run-row')).toHaveCount(1);
  await expect(operator.getByTestId('run-row')).toContainText('shadow 1.0.0-fp16');
});
