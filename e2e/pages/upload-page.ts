import { expect, type Locator, type Page } from '@playwright/test';
import { misalignedTables } from '../support/misaligned-tables';

export class UploadPage {
  constructor(private readonly page: Page) {}

  async open(project = 'demo'): Promise<void> {
    await this.page.goto(`/studies/upload?project=${project}`);
    await expect(this.page.getByRole('heading', { name: 'Upload a study' })).toBeVisible();
  }

  async addFiles(paths: string[]): Promise<void> {
    await this.page.getByLabel('Files').setInputFiles(paths);
  }

  file(name: string): Locator {
    return this.page.locator(`[data-testid="upload-file"][data-name="${name}"]`);
  }

  resumeBanner(): Locator {
    return this.page.getByTestId('resume-banner');
  }

  async waitDone(): Promise<void> {
    await expect(this.page.getByTestId('upload-done')).toBeVisible({ timeout: 90_000 });
  }

  async openStudy(): Promise<void> {
    await this.page.getByTestId('upload-done').getByRole('link').click();
    await expect(this.page.getByRole('heading', { name: /^Study / })).toBeVisible();
    await this.expectTablesAligned();
  }

  /** Each table of the page has, in every row, a cell under each heading (and none without one). */
  async expectTablesAligned(): Promise<void> {
    expect(await misalignedTables(this.page)).toEqual([]);
  }

  seriesRows(): Locator {
    return this.page.getByTestId('series-row');
  }

  volumeRows(): Locator {
    return this.page.getByTestId('volume-row');
  }
}
