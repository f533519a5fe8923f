import { expect, test } from '@playwright/test';
import { SignInPage } from './pages/sign-in-page';
import { openDemoStudy } from './pages/demo-study';

test.describe.configure({ timeout: 420_000 });

/**
 * Run control from the run page, in Chromium against the real app and executor: an operator cancels
 * the demo run while it runs (confirm + reason), retries it, reads a step's log, and downloads the
 * mask. Named to run right after auth.spec.ts (files run in name order), before any spec that
 * submits the demo volume and waits for it (dashboard, page-matrix, runs): the same submission is the
 * same run, so it must still be running here; those specs then find it done.
 */
test('an operator cancels a running run, retries it, reads a step log and downloads the mask; a researcher has no retry', async ({ page, browser }) => {
  await new SignInPage(page).signIn('researcher');
  await openDemoStudy(page);
  await page
    .getByTestId('volume-row')
    .getByRole('button', { name: /^Segment/ })
    .click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  const runUrl = page.url();
  // the researcher's own run: at most Cancel while it is queued (the executor may have taken it already), never Retry
  await expect(page.getByRole('button', { name: 'Retry run…' })).toHaveCount(0);

  const op = await browser.newPage();
  await new SignInPage(op).signIn('operator');
  await op.goto(runUrl);
  await op.getByRole('button', { name: 'Cancel run…' }).click();
  await expect(op.getByRole('button', { name: 'Confirm cancel' })).toBeDisabled();
  await op.getByLabel('Reason to cancel').fill('wrong volume (e2e)');
  await op.getByRole('button', { name: 'Confirm cancel' }).click();
  await expect(op.getByRole('heading', { name: /^Run / }).getByTestId('run-status')).toHaveText('cancelled');
  await expect(op.getByTestId('run-error')).toHaveText('cancelled: wrong volume (e2e)');
  await op.screenshot({ path: 'test-results/run-page-cancelled.png', fullPage: true });

  await op.getByRole('button', { name: 'Retry run…' }).click();
  await op.getByLabel('Reason to retry').fill('right volume after all (e2e)');
  await op.getByRole('button', { name: 'Confirm retry' }).click();
  await expect(op.getByTestId('run-attempt')).toContainText('2');
  await expect(op.getByRole('heading', { name: /^Run / }).getByTestId('run-status')).toHaveText('succeeded', { timeout: 300_000 });

  // a step's log, opened: the last lines first
  await op.getByTestId('log-infer-serving').locator('summary').click();
  await expect(op.getByTestId('log-infer-serving').locator('pre')).toContainText(/attempt \d+ succeeded/);

  await op.getByRole('button', { name: 'Get download links' }).click();
  const [download] = await Promise.all([op.waitForEvent('download'), op.getByTestId('download-mask.nii.gz').click()]);
  expect(download.suggestedFilename()).toBe('mask.nii.gz');
  await op.screenshot({ path: 'test-results/run-page-controls.png', fullPage: true });
});
