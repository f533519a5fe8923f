import { expect, test } from '@playwright/test';
import { SignInPage } from './pages/sign-in-page';
import { openDemoStudy } from './pages/demo-study';

test.describe.configure({ timeout: 300_000 });

test('an operator lands on the dashboard and sees its charts drawn from a real demo run; a researcher is refused', async ({ page, browser }, testInfo) => {
  // a real run of the demo volume (serving + shadow model), as a researcher starts it
  const researcher = await browser.newPage();
  await new SignInPage(researcher).signIn('researcher');
  const studyId = await openDemoStudy(researcher);
  await researcher
    .getByTestId('volume-row')
    .getByRole('button', { name: /^Segment/ })
    .click();
  await expect(researcher).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  await expect(researcher.getByRole('heading', { name: /^Run / }).getByTestId('run-status')).toHaveText('succeeded', { timeout: 240_000 });

  await new SignInPage(page).signIn('operator');
  await page.goto('/');
  await expect(page).toHaveURL(/\/dashboard/);
  await expect(page.getByRole('heading', { name: 'Dashboard · demo' })).toBeVisible();
  for (const chart of ['runs-by-status', 'queue-depth', 'step-durations', 'serving-latency', 'shadow-agreement']) {
    const card = page.getByTestId(`chart-${chart}`);
    await expect(card.getByRole('application'), chart).toBeVisible();
    await expect(card.getByTestId('chart-empty')).toHaveCount(0);
  }
  // the run succeeded: one stacked bar segment, the serving model's bar, a Dice line per label
  await expect(page.getByTestId('chart-runs-by-status').locator('.recharts-bar-rectangle path')).toHaveCount(1);
  await expect(page.getByTestId('chart-serving-latency')).toContainText('brain-tissue@1.0.0');
  await expect(page.getByTestId('chart-shadow-agreement')).toContainText('brain-tissue@1.0.0-fp16 White Matter median');
  await expect(page.getByTestId('chart-failure-reasons').getByTestId('chart-empty')).toContainText('No step failed in this range');

  // the range control keeps the project and changes the buckets
  await page.getByRole('navigation', { name: 'Time range' }).getByRole('link', { name: '24 h' }).click();
  await expect(page).toHaveURL(/range=24h/);
  await expect(page.getByTestId('chart-runs-by-status').getByRole('application')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('dashboard.png'), fullPage: true });

  // a custom range of today (UTC) holds the run; one the wrong way round is refused with one clear error
  const today = new Date().toISOString().slice(0, 10);
  const custom = page.getByRole('form', { name: 'Custom range' });
  await custom.getByLabel('From').fill(today);
  await custom.getByLabel('to', { exact: true }).fill(today);
  await custom.getByRole('button', { name: 'Show range' }).click();
  await expect(page).toHaveURL(new RegExp(`range=custom&from=${today}&to=${today}`));
  await expect(page.getByTestId('chart-runs-by-status').locator('.recharts-bar-rectangle path')).toHaveCount(1);
  await page.screenshot({ path: testInfo.outputPath('dashboard-custom.png'), fullPage: true });
  await custom.getByLabel('From').fill(today);
  await custom.getByLabel('to', { exact: true }).fill('2020-01-01');
  await custom.getByRole('button', { name: 'Show range' }).click();
  await expect(page.getByTestId('range-error')).toHaveText(`to: must be on or after from (${today})`);
  await expect(page.getByTestId('chart-runs-by-status')).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath('dashboard-bad-range.png'), fullPage: true });

  // the demo study's succeeded runs: its one run (other specs' runs are of studies of their own)
  await page.goto(`/runs?project=demo&status=succeeded&study=${studyId}`);
  await expect(page.getByTestId('run-row')).toHaveCount(1);
  await page.goto('/runs?project=demo&status=failed');
  await expect(page.getByText('No runs match')).toBeVisible();
  await page.goto('/runs?project=demo&cursor=nonsense');
  await expect(page.locator('main').getByRole('alert')).toContainText('cursor: not a cursor this list handed out');
  await page.goto('/runs?project=demo');
  await page.screenshot({ path: testInfo.outputPath('runs.png'), fullPage: true });

  await researcher.goto('/dashboard');
  await expect(researcher.getByTestId('forbidden')).toBeVisible();
  await expect(researcher.getByTestId('chart-runs-by-status')).toHaveCount(0);
});
