import { expect, test } from '@playwright/test';
import { SignInPage } from './pages/sign-in-page';

/**
 * Project settings and the audit log as an admin uses them (issue 9): a webhook to a private address
 * is refused with the reason, a public one is added and its secret shown once, a test event for it
 * shows in the delivery log and is redelivered; the audit log filters through the URL and offers the
 * filtered export.
 */
test('an admin adds a webhook on Project settings and filters and exports the audit log', async ({ page }) => {
  await new SignInPage(page).signIn('admin');
  await page.getByRole('link', { name: 'Project settings' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Project settings · /);

  await page.getByLabel('Webhook URL').fill('http://169.254.169.254/latest/meta-data');
  await page.getByRole('button', { name: 'Add webhook' }).click();
  await expect(page.locator('.card [role="alert"]')).toContainText('169.254.169.254 is a private, loopback or link-local address');

  await page.getByLabel('Webhook URL').fill('https://203.0.113.10/segflow-e2e');
  await page.getByRole('button', { name: 'Add webhook' }).click();
  await expect(page.getByTestId('webhook-secret')).toHaveText(/^whsec_/);
  await expect(page.getByRole('cell', { name: 'https://203.0.113.10/segflow-e2e' })).toBeVisible();

  // a test event for the new hook shows in the delivery log, and Redeliver queues it again
  const hookRow = page
    .getByRole('row')
    .filter({ hasText: 'https://203.0.113.10/segflow-e2e' })
    .filter({ has: page.getByRole('button', { name: 'Remove' }) });
  await hookRow.getByRole('button', { name: 'Send test event' }).click();
  const pings = page.getByTestId('delivery-row').filter({ hasText: 'ping' });
  await expect(pings).toHaveCount(1);
  await expect(pings.first()).toContainText('https://203.0.113.10/segflow-e2e');
  await pings.first().getByRole('button', { name: 'Redeliver' }).click();
  await expect(pings).toHaveCount(2);
  await page.screenshot({ path: 'test-results/project-settings-webhooks.png', fullPage: true });

  await page.getByRole('link', { name: 'Audit' }).click();
  await expect(page).toHaveURL(/\/audit/);
  await page.getByLabel('Action', { exact: true }).fill('webhook.');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/action=webhook\./);
  const rows = page.getByTestId('audit-events').locator('tbody tr');
  await expect(page.getByTestId('audit-events')).toContainText('webhook.create');
  for (const text of await rows.allInnerTexts()) expect(text).toContain('webhook.');
  await expect(page.getByTestId('audit-events')).toContainText('webhook.ping');
  await expect(page.getByTestId('audit-events')).toContainText('webhook.redeliver');
  await expect(page.getByRole('link', { name: 'CSV' })).toHaveAttribute('href', /\/audit\/export\?.*action=webhook\..*format=csv/);
  await page.screenshot({ path: 'test-results/audit-filtered.png', fullPage: true });
});

test('every page has an icon (no missing favicon), and the tokens list has column headers', async ({ page }) => {
  const missing: string[] = [];
  page.on('response', (r) => {
    if (r.status() === 404) missing.push(r.url());
  });
  await new SignInPage(page).signIn('researcher');
  await page.goto('/settings/tokens');
  const icon = await page.locator('link[rel="icon"]').first().getAttribute('href');
  expect(icon).toMatch(/^\/icon\.svg/);
  expect((await page.request.get(icon!)).status()).toBe(200);
  await page.getByLabel('Token name').fill('e2e-headers');
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByTestId('new-token')).toBeVisible();
  await expect(page.getByRole('columnheader')).toHaveText(['Name', 'Created', 'Expiry', '']);
  await page.screenshot({ path: 'test-results/tokens-headers.png', fullPage: true });
  expect(missing).toEqual([]);
});
