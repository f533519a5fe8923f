import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { AdminPage } from './pages/admin-page';
import { SignInPage } from './pages/sign-in-page';

/**
 * Issue 15, done when: an admin creates a project, a user (whose invitation link works in the
 * browser) and a membership from the UI; the invitee (an operator there) cannot administer, nor
 * change the demo project's model on Promotions. Screenshots of every /admin page go to the test's
 * output folder.
 */
test("an admin creates a project and invites a user whose one-time link sets the password; that operator cannot administer, nor change another project's model", async ({
  page,
  browser,
}, info) => {
  const tag = randomBytes(3).toString('hex');
  const slug = `e2e-${tag}`;
  const email = `invitee-${tag}@example.org`;
  const admin = new AdminPage(page);
  await new SignInPage(page).signIn('admin');
  await admin.createProject(slug, `E2E ${tag}`);
  await page.screenshot({ path: info.outputPath('admin.png'), fullPage: true });
  await admin.openProject(slug);
  const link = await admin.invite(email, 'Invited Person', 'operator');
  await expect(admin.member(email)).toBeVisible();
  await expect(admin.member(email).getByLabel(`Role of ${email}`, { exact: true })).toHaveValue('operator');
  await page.screenshot({ path: info.outputPath('admin-project.png'), fullPage: true });

  // the last admin cannot step down: the refusal is shown in the user's words
  const me = admin.member('admin@demo.segflow');
  await me.getByLabel('Role of admin@demo.segflow', { exact: true }).selectOption('researcher');
  await me.getByRole('button', { name: 'Change role' }).click();
  await expect(me.getByRole('alert')).toContainText(`this is the last admin of project ${slug}`);

  await page.goto('/admin/users');
  await expect(page.locator('tr', { hasText: email })).toContainText('invited');
  await page.screenshot({ path: info.outputPath('admin-users.png'), fullPage: true });

  // the invitee, in a browser of their own
  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(new URL(link).pathname);
  await expect(invitee.getByRole('heading', { name: 'Welcome to segflow' })).toBeVisible();
  await invitee.screenshot({ path: info.outputPath('invite.png'), fullPage: true });
  await invitee.getByLabel('New password').fill('a long invited password');
  await invitee.getByLabel('Repeat it').fill('a long invited password');
  await invitee.getByRole('button', { name: 'Set password' }).click();
  await expect(invitee.getByRole('status')).toContainText('Your password is set');
  const signIn = new SignInPage(invitee);
  await signIn.signInAs(email, 'a long invited password');
  expect(await signIn.navLabels()).toEqual(['Dashboard', 'Runs', 'Models', 'Promotions', 'Reviews']);
  // the shipped model belongs to project demo: this project's operator sees its gate, not its controls
  await invitee.goto('/promotions');
  const shadow = invitee.getByTestId('promotion-brain-tissue').getByTestId('candidate-shadow');
  await expect(shadow.getByTestId('gate-check').first()).toContainText('compared-cases');
  await expect(shadow.getByTestId('no-controls')).toHaveText('Only operators and admins of project demo request, approve or roll back this candidate.');
  await expect(shadow.getByRole('button')).toHaveCount(0);
  await invitee.screenshot({ path: info.outputPath('promotions-other-project.png'), fullPage: true });
  await invitee.goto('/admin');
  await expect(invitee.getByTestId('forbidden')).toContainText('does not allow managing the project (project:manage)');
  // the link worked once
  await invitee.goto(new URL(link).pathname);
  await expect(invitee.getByTestId('invitation-refused')).toContainText('already been used');
  await invitee.context().close();

  // the admin page lists the invitee with their password set now
  await page.goto('/admin/users');
  await expect(page.locator('tr', { hasText: email })).toContainText('password set');
});
