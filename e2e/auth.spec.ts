import { expect, test } from '@playwright/test';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { SignInPage, type DemoRole } from './pages/sign-in-page';

const EXPECTED_NAV: Record<DemoRole, string[]> = {
  researcher: ['Studies', 'Runs', 'Models'],
  reviewer: ['Reviews'],
  operator: ['Dashboard', 'Runs', 'Models', 'Promotions', 'Reviews'],
  admin: ['Dashboard', 'Studies', 'Runs', 'Models', 'Promotions', 'Reviews', 'Audit', 'Project settings', 'Admin'],
};

for (const role of Object.keys(EXPECTED_NAV) as DemoRole[]) {
  test(`${role} signs in and sees exactly their navigation`, async ({ page }) => {
    const signIn = new SignInPage(page);
    await signIn.signIn(role);
    expect(await signIn.navLabels()).toEqual(EXPECTED_NAV[role]);
  });
}

test('a researcher cannot open the audit page; an admin can', async ({ page }) => {
  const signIn = new SignInPage(page);
  await signIn.signIn('researcher');
  await page.goto('/audit');
  await expect(page.getByTestId('forbidden')).toContainText('does not allow reading the audit log (audit:read)');
  await expect(page.getByTestId('chain-status')).toHaveCount(0);

  await page.context().clearCookies();
  await signIn.signIn('admin');
  await page.goto('/audit');
  await expect(page.getByTestId('chain-status')).toContainText('Hash chain intact');
  // the researcher's refused attempt is itself in the log
  await expect(
    page.locator('tr', { hasText: 'researcher@demo.segflow' }).filter({ hasText: 'audit.view' }).filter({ hasText: 'denied' }).first(),
  ).toBeVisible();
});

test('a missing item reads "Not found" and a malformed address says so, never "Not allowed"', async ({ page }) => {
  await new SignInPage(page).signIn('admin');
  await page.goto('/runs/00000000-0000-4000-8000-000000000000');
  await expect(page.getByTestId('not-found').getByRole('heading')).toHaveText('Not found');
  await expect(page.getByTestId('not-found')).toContainText('run 00000000-0000-4000-8000-000000000000 not found');
  await page.goto('/runs/not-a-run-id');
  await expect(page.getByTestId('invalid-address').getByRole('heading')).toHaveText('Not a valid address');
  await expect(page.getByTestId('forbidden')).toHaveCount(0);
});

test('pages send an anonymous visitor to sign-in', async ({ page }) => {
  for (const path of ['/studies', '/audit', '/settings/tokens']) {
    await page.goto(path);
    await expect(page).toHaveURL(/\/signin/);
  }
  // and back to the page they opened, query and all, once signed in (a viewer link keeps its view)
  await page.goto('/runs?status=succeeded');
  await expect(page).toHaveURL(/\/signin\?next=%2Fruns%3Fstatus%3Dsucceeded$/);
  await page.getByLabel('Email').fill('operator@demo.segflow');
  await page.getByLabel('Password').fill('demo-operator');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/runs\?status=succeeded$/);
  await expect(page.locator('main h1').first()).toHaveText('Runs');
});

/** Every route handler under app/api (but auth, health and the public manifest key) refuses a request without credentials. */
test('every API route handler refuses an unauthenticated request', async ({ request }) => {
  const apiDir = join(process.cwd(), 'app', 'api');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e === 'route.ts') files.push(p);
    }
  };
  walk(apiDir);
  let checked = 0;
  for (const file of files) {
    const rel = relative(join(process.cwd(), 'app'), file).split(sep).slice(0, -1);
    // public by design (test/endpoint-matrix.ts PUBLIC_ENDPOINTS): sign-in, the health probe, the manifest key, the invitation link
    if (rel[1] === 'auth' || rel[1] === 'health' || ['api/manifests/public-key', 'api/invitations/accept'].includes(rel.join('/'))) continue;
    const path = `/${rel.map((s) => (s.startsWith('[') ? '00000000-0000-4000-8000-000000000000' : s)).join('/')}`;
    const source = readFileSync(file, 'utf8');
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      if (!new RegExp(`export (const|async function) ${method}\\b`).test(source)) continue;
      const res = await request.fetch(path, { method, data: method === 'GET' ? undefined : {} });
      expect(res.status(), `${method} ${path}`).toBe(401);
      checked++;
    }
  }
  // the token endpoint at least; grows with every issue
  expect(checked).toBeGreaterThanOrEqual(1);
});

test('an API token created in the UI works for the API and is shown only once', async ({ page, request }) => {
  await new SignInPage(page).signIn('reviewer');
  await page.goto('/settings/tokens');
  await page.getByLabel('Token name').fill('e2e laptop');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.getByTestId('new-token').textContent())?.trim() ?? '';
  expect(token).toMatch(/^sf_/);
  const res = await request.get('/api/tokens', { headers: { authorization: `Bearer ${token}` } });
  expect(res.status()).toBe(200);
  const body = (await res.json()) as { tokens: { name: string }[] };
  expect(body.tokens.map((t) => t.name)).toContain('e2e laptop');
  expect(JSON.stringify(body)).not.toContain(token);
  await page.reload();
  await expect(page.getByTestId('new-token')).toHaveCount(0);
});
