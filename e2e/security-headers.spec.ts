import { expect, test } from '@playwright/test';
import { SignInPage } from './pages/sign-in-page';

test('pages carry a nonce CSP and the security headers; signing in and the app run without a CSP violation', async ({ page, request }) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|execute|connect|create)/i.test(m.text())) violations.push(m.text());
  });

  const res = await request.get('/signin');
  const h = res.headers();
  expect(h['content-security-policy']).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic' 'wasm-unsafe-eval'/);
  expect(h['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(h['content-security-policy']).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(h['x-content-type-options']).toBe('nosniff');
  expect(h['x-frame-options']).toBe('DENY');
  expect(h['referrer-policy']).toBe('strict-origin-when-cross-origin');
  // a fresh nonce per request
  const again = (await request.get('/signin')).headers()['content-security-policy'];
  expect(again).not.toBe(h['content-security-policy']);
  // API answers: nosniff too, and the manifest key needs no login
  const key = await request.get('/api/manifests/public-key');
  expect(key.status()).toBe(200);
  expect(key.headers()['x-content-type-options']).toBe('nosniff');
  expect(await key.json()).toMatchObject({ alg: 'Ed25519', keyId: expect.stringMatching(/^[0-9a-f]{16}$/), pem: expect.stringContaining('BEGIN PUBLIC KEY') });

  await new SignInPage(page).signIn('researcher');
  await page.goto('/studies?project=demo');
  await expect(page.getByRole('table')).toBeVisible();
  expect(violations).toEqual([]);
});

test('a wrong password gets the generic message; repeated failures get the back-off message', async ({ page }) => {
  const email = `nobody-${Date.now()}@demo.segflow`;
  const attempt = async () => {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('wrong');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  };
  const message = page.locator('form p[role="alert"]');
  await page.goto('/signin');
  await attempt();
  await expect(message).toHaveText('Wrong email or password.');
  // after the free failures each one doubles the wait (1 s, 2 s, 4 s …): within a few more attempts the
  // next one comes before the wait is over, whatever this machine's speed, and is refused unchecked
  let throttled = false;
  for (let i = 0; i < 12 && !throttled; i++) {
    await attempt();
    await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeEnabled();
    throttled = /^Too many failed sign-ins/.test((await message.textContent()) ?? '');
  }
  expect(throttled).toBe(true);
  await expect(message).toHaveText(/^Too many failed sign-ins for this account\. Try again in \d+ s\.$/);
  await page.screenshot({ path: 'test-results/signin-throttled.png' });
});
