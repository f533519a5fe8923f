import { expect, type Page } from '@playwright/test';

export const DEMO = {
  researcher: { email: 'researcher@demo.segflow', password: 'demo-researcher' },
  reviewer: { email: 'reviewer@demo.segflow', password: 'demo-reviewer' },
  operator: { email: 'operator@demo.segflow', password: 'demo-operator' },
  admin: { email: 'admin@demo.segflow', password: 'demo-admin' },
} as const;
export type DemoRole = keyof typeof DEMO;

export class SignInPage {
  constructor(private readonly page: Page) {}

  async signIn(role: DemoRole): Promise<void> {
    await this.signInAs(DEMO[role].email, DEMO[role].password);
  }

  async signInAs(email: string, password: string): Promise<void> {
    await this.page.goto('/signin');
    await this.page.getByLabel('Email').fill(email);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(this.page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  }

  async navLabels(): Promise<string[]> {
    const nav = this.page.getByRole('navigation', { name: 'Main' });
    const links = nav.locator(':scope > a');
    return links.allTextContents();
  }
}
