import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Browser, test } from '@playwright/test';
import { SignInPage } from './pages/sign-in-page';

/**
 * Single sign-on end to end against a real OpenID provider (e2e/oidc/provider.mjs, started by
 * playwright.config.ts, its development login pages): an email an admin invited gets in with the
 * role of its invitation; an uninvited email, and an invited one the provider has not verified,
 * are refused with a page saying why.
 */
const adminToken = () => (JSON.parse(readFileSync(join(process.cwd(), '.data/e2e/demo-tokens.json'), 'utf8')) as { admin: string }).admin;

async function signInWithSso(browser: Browser, login: string) {
  const context = await browser.newContext();
  // the provider's development pages import a web font; nothing outside this machine is reachable
  await context.route(/fonts\.googleapis\.com/, (r) => r.abort());
  const page = await context.newPage();
  await page.goto('/signin');
  await page.getByRole('button', { name: 'Sign in with single sign-on' }).click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('anything');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  return page;
}

test('an invited email signs in through the identity provider with the role of its invitation; others are refused, saying why', async ({
  browser,
  request,
}, info) => {
  const tag = randomBytes(3).toString('hex');
  const invited = `sso-${tag}@example.org`;
  const unverified = `unverified-${tag}@example.org`;
  for (const email of [invited, unverified]) {
    const res = await request.post('/api/admin/users', {
      headers: { authorization: `Bearer ${adminToken()}` },
      data: { email, name: `SSO ${tag}`, project: 'demo', role: 'operator' },
    });
    expect(res.status(), await res.text()).toBe(200);
  }

  const page = await signInWithSso(browser, invited);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  expect(await new SignInPage(page).navLabels()).toEqual(['Dashboard', 'Runs', 'Models', 'Promotions', 'Reviews']);
  await page.context().close();

  const stranger = await signInWithSso(browser, `stranger-${tag}@example.org`);
  await expect(stranger).toHaveURL(/\/signin\?error=not_invited/);
  await expect(stranger.getByTestId('sign-in-refused')).toContainText('its email is not invited to segflow');
  await stranger.screenshot({ path: info.outputPath('sso-not-invited.png'), fullPage: true });
  await stranger.goto('/runs');
  await expect(stranger).toHaveURL(/\/signin/);
  await stranger.context().close();

  const notVerified = await signInWithSso(browser, unverified);
  await expect(notVerified.getByTestId('sign-in-refused')).toContainText('has not verified the email address');
  await notVerified.context().close();
});
