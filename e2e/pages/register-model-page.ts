import { expect, type Locator, type Page } from '@playwright/test';

/** Models → Register: the form, and the outcome it shows. */
export class RegisterModelPage {
  constructor(private readonly page: Page) {}

  async openFromModels(): Promise<void> {
    await this.page.goto('/models');
    await this.page.getByRole('link', { name: 'Register a version' }).click();
    await expect(this.page.getByRole('heading', { level: 1 })).toHaveText('Register a model version');
  }

  async fill(p: { model: string; version: string; onnx: string; spec: string; references: { input: string; mask: string }[] }): Promise<void> {
    const form = this.page.getByRole('form', { name: 'Register a model version' });
    await form.getByLabel('Model name').fill(p.model);
    await form.getByLabel('Version', { exact: true }).fill(p.version);
    await form.getByLabel('Model (ONNX)').setInputFiles(p.onnx);
    await form.getByLabel(/^Spec/).setInputFiles(p.spec);
    for (const [i, r] of p.references.entries()) {
      await form.getByRole('button', { name: 'Add a reference pair' }).click();
      await form.getByLabel(`Reference input ${i + 1}`).setInputFiles(r.input);
      await form.getByLabel(`Reference mask ${i + 1}`).setInputFiles(r.mask);
    }
  }

  /** submits and waits for the outcome (validation runs the model on each reference: up to minutes on a small machine) */
  async submit(): Promise<Locator> {
    await this.page.getByRole('button', { name: 'Register', exact: true }).click();
    const result = this.page.getByTestId('registration-result');
    const alert = this.page.getByRole('alert').filter({ hasText: /./ });
    await expect(result.or(alert)).toBeVisible({ timeout: 300_000 });
    // an error of the API (not an outcome): fail with its message rather than wait for a result
    if (await alert.isVisible()) throw new Error(`registration failed: ${await alert.textContent()}`);
    return result;
  }

  /** Dice per label of the first reference row, as shown */
  async dice(scope: Locator): Promise<Record<string, number>> {
    const table = scope.getByTestId('parity-table');
    const heads = (await table.locator('thead th').allTextContents()).map((t) => t.trim());
    const cells = (await table.locator('tbody tr').first().locator('td').allTextContents()).map((t) => t.trim());
    const out: Record<string, number> = {};
    heads.forEach((h, i) => {
      if (h.startsWith('Dice ')) out[h.slice(5)] = Number(cells[i]);
    });
    return out;
  }
}
