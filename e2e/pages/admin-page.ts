import { expect, type Page } from '@playwright/test';

/** The /admin pages as an admin uses them. */
export class AdminPage {
  constructor(private readonly page: Page) {}

  async createProject(slug: string, name: string): Promise<void> {
    await this.page.goto('/admin');
    const form = this.page.getByRole('form', { name: 'New project' });
    await form.getByLabel('Slug').fill(slug);
    await form.getByLabel('Name').fill(name);
    await form.getByRole('button', { name: 'Create project' }).click();
    await expect(this.page.getByRole('link', { name: slug })).toBeVisible();
  }

  async openProject(slug: string): Promise<void> {
    await this.page.goto('/admin');
    await this.page.getByRole('link', { name: slug }).click();
    await expect(this.page.locator('main h1')).toHaveText(`Project ${slug}`);
  }

  /** invites a new user into the open project; answers the one-time link */
  async invite(email: string, name: string, role: string): Promise<string> {
    const form = this.page.getByRole('form', { name: 'Invite a new user' });
    await form.getByLabel('Invitee email').fill(email);
    await form.getByLabel('Invitee name').fill(name);
    await form.getByLabel('Invitee role').selectOption(role);
    await form.getByRole('button', { name: 'Invite' }).click();
    const link = this.page.getByTestId('invitation-link');
    await expect(link).toContainText('/invite/');
    return (await link.textContent())!.trim();
  }

  member(email: string) {
    return this.page.getByTestId('member').filter({ hasText: email });
  }
}
