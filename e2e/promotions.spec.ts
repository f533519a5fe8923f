import { expect, test } from '@playwright/test';
import { SignInPage } from './pages/sign-in-page';

test('an operator sees the demo slot, the shadow candidate held by its gate, and the slot history; researchers are refused', async ({ page }) => {
  await new SignInPage(page).signIn('operator');
  await page.goto('/promotions');
  await expect(page.getByRole('heading', { name: 'Promotions' })).toBeVisible();
  const model = page.getByTestId('promotion-brain-tissue');
  const slot = model.getByRole('definition');
  await expect(slot.nth(0)).toHaveText('1.0.0');
  await expect(slot.nth(2)).toHaveText('1.0.0-fp16');
  const shadow = model.getByTestId('candidate-shadow');
  // the case count is the first check, against the demo model's own gate (one compared case; other specs' runs may have made it)
  await expect(shadow.getByTestId('gate-check').first()).toContainText('compared-cases');
  await expect(shadow.getByTestId('gate-check').first()).toContainText('≥ 1');
  await expect(model.getByTestId('model-owner')).toContainText('Owned by project demo');
  await expect(model.getByTestId('gate-policy-own')).toContainText('shadow.minComparedCases = 1');
  // approving or rolling back needs a reason
  await expect(shadow.getByRole('button', { name: 'Roll back' })).toBeDisabled();
  await expect(model.getByTestId('history-row').first()).toBeVisible();

  // a registered version without a stage can be put into shadow, with a reason, from the models page
  await page.goto('/models');
  const degraded = page.getByTestId('model-brain-tissue').getByRole('row', { name: /1\.0\.0-degraded/ });
  await expect(degraded.getByRole('button', { name: 'Deploy as shadow' })).toBeDisabled();
  await degraded.getByLabel(/Reason to put/).fill('compare the degraded variant');
  await expect(degraded.getByRole('button', { name: 'Deploy as shadow' })).toBeEnabled();
  // who may use it: the owner, and the owner's operators grant it to other projects
  const grants = page.getByTestId('model-brain-tissue').getByTestId('model-grants');
  await expect(grants).toContainText('Owned by project demo');
  await expect(grants.getByRole('button', { name: 'Grant' })).toBeDisabled();
  await page.screenshot({ path: 'test-results/models-owner-grants.png', fullPage: true });

  await page.context().clearCookies();
  await new SignInPage(page).signIn('researcher');
  await page.goto('/promotions');
  await expect(page.getByTestId('forbidden')).toBeVisible();
  await expect(page.getByTestId('promotion-brain-tissue')).toHaveCount(0);
});
