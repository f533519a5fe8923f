import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNifti } from '../lib/imaging/nifti/read-nifti';
import { writeNifti } from '../lib/imaging/nifti/write-nifti';
import { RegisterModelPage } from './pages/register-model-page';
import { SignInPage } from './pages/sign-in-page';

/**
 * Models → Register in Chromium, through the presigned upload and the server's checks: the shipped
 * fp16 variant under a new version with a reference it reproduces (its own mask of t1_crop) is
 * accepted with Dice 1 per label, and its page shows that evidence; the same bundle with a mask it
 * does not reproduce (grey matter relabelled in 40 slices) is refused with per-label Dice.
 */
test.describe.configure({ timeout: 900_000 });

const FP16 = join(process.cwd(), 'models/brain-tissue-fp16');
const T1 = join(process.cwd(), 'fixtures/nifti/brainchop-t1/t1_crop.nii.gz');
const dir = mkdtempSync(join(tmpdir(), 'segflow-register-e2e-'));
const own = join(dir, 'fp16-own.nii.gz');
const wrong = join(dir, 'fp16-wrong.nii.gz');
const tag = Date.now().toString(36);

test.beforeAll(() => {
  // the fp16 bundle's own output for t1_crop, by the same inference code as the pipeline (a child process, like a user's CLI)
  const r = spawnSync(process.execPath, ['bin/segflow.mjs', 'infer', '--model', FP16, '--input', T1, '--out', own, '--threads', '2'], {
    encoding: 'utf8',
    timeout: 600_000,
    env: { ...process.env, SEGFLOW_DATA_DIR: '.data/e2e' },
  });
  expect(r.status, r.stderr).toBe(0);
  const mask = readNifti(readFileSync(own), 'fp16-own.nii.gz');
  const data = Uint8Array.from(mask.data);
  const plane = mask.dims[0] * mask.dims[1];
  for (let i = plane * 108; i < plane * 148; i++) if (data[i] === 2) data[i] = 1;
  writeFileSync(wrong, writeNifti({ ...mask, data }));
});

test('an operator registers a version from the browser: accepted with the Dice it reached, refused with per-label Dice', async ({ page }, info) => {
  await new SignInPage(page).signIn('operator');
  const form = new RegisterModelPage(page);
  await form.openFromModels();
  const accepted = `1.1.0-fp16-${tag}`;
  await form.fill({
    model: 'brain-tissue',
    version: accepted,
    onnx: join(FP16, 'model.onnx'),
    spec: join(FP16, 'spec.json'),
    references: [{ input: T1, mask: own }],
  });
  await page.screenshot({ path: info.outputPath('register-form.png'), fullPage: true });
  const ok = await form.submit();
  await expect(ok).toHaveAttribute('data-status', 'accepted');
  await expect(ok.getByRole('heading')).toHaveText(`Registered: brain-tissue@${accepted}`);
  expect(await form.dice(ok)).toEqual({ background: 1, 'White Matter': 1, 'Grey Matter': 1 });
  await expect(ok.getByTestId('parity-table')).toContainText('t1_crop.nii.gz → fp16-own.nii.gz');
  await expect(ok.getByTestId('parity-table')).toContainText('0 of 16,777,216');
  await page.screenshot({ path: info.outputPath('register-accepted.png'), fullPage: true });

  // the version's page shows the stored evidence
  await ok.getByRole('link', { name: "the version's page" }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Model brain-tissue@${accepted}`);
  const evidence = page.getByTestId('version-evidence');
  await expect(evidence).toContainText('opset 14');
  await expect(evidence).toContainText('reproduced');
  expect(await form.dice(evidence)).toEqual({ background: 1, 'White Matter': 1, 'Grey Matter': 1 });
  await page.screenshot({ path: info.outputPath('version-evidence.png'), fullPage: true });
  // and the models list has it, validated
  await page.goto('/models');
  await expect(page.getByTestId('model-brain-tissue').getByRole('row', { name: new RegExp(accepted) })).toContainText('validated');

  // a reference the bundle does not reproduce: refused, naming per-label Dice and the differing voxels; nothing registered
  const refused = `1.1.1-fp16-${tag}`;
  await form.openFromModels();
  await form.fill({
    model: 'brain-tissue',
    version: refused,
    onnx: join(FP16, 'model.onnx'),
    spec: join(FP16, 'spec.json'),
    references: [{ input: T1, mask: wrong }],
  });
  const no = await form.submit();
  await expect(no).toHaveAttribute('data-status', 'refused');
  await expect(no.getByRole('listitem').first()).toHaveText(
    new RegExp(
      `^brain-tissue@${refused.replaceAll('.', '\\.')}: parity check failed \\(every label needs Dice ≥ 0\\.999\\): t1_crop\\.nii\\.gz → fp16-wrong\\.nii\\.gz: Dice background 1\\.0000, White Matter 0\\.\\d{4} \\(< 0\\.999\\), Grey Matter 0\\.\\d{4} \\(< 0\\.999\\); [\\d,]+ of 16,777,216 voxels differ$`,
    ),
  );
  const dice = await form.dice(no);
  expect(dice.background).toBe(1);
  expect(dice['White Matter']).toBeLessThan(0.999);
  expect(dice['Grey Matter']).toBeLessThan(0.999);
  await expect(no.getByTestId('dice-Grey Matter')).toHaveClass('error');
  await page.screenshot({ path: info.outputPath('register-refused.png'), fullPage: true });
  await page.goto('/models');
  await expect(page.getByTestId('model-brain-tissue')).not.toContainText(refused);
});
