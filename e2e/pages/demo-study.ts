import { expect, type Page } from '@playwright/test';

/**
 * Opens the demo study of project `demo` (seeded at first start, so the oldest: the studies list is
 * newest first and other specs upload studies of their own) and returns its id. One place for the
 * convention, so no spec depends on which specs ran before it.
 */
export async function openDemoStudy(page: Page): Promise<string> {
  await page.goto('/studies?project=demo');
  await page.getByRole('table').getByRole('link').last().click();
  await expect(page.getByRole('heading', { name: /^Study / })).toBeVisible();
  return new URL(page.url()).pathname.split('/').pop()!;
}
