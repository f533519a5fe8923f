import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { SignInPage } from './pages/sign-in-page';
import { UploadPage } from './pages/upload-page';

/**
 * The whole rollout at first start, as a newcomer would walk it with the demo logins: the demo
 * model's own gate (one compared case, one canary run, stated on the page), Request as operator,
 * Reject and Approve as operator2 (never the requester), canary, live. It moves the demo's fp16 variant to
 * live, so it runs after every other spec (playwright.config.ts: project rollout-walk).
 */
test.describe.configure({ timeout: 600_000 });

const OPERATOR2 = { email: 'operator2@demo.segflow', password: 'demo-operator2' };
const T1 = join(process.cwd(), 'fixtures/nifti/brainchop-t1/t1_crop.nii.gz');

/**
 * The researcher uploads the demo's T1 volume as a study of its own: a run of the demo study's
 * volume may be one an earlier spec submitted before the shadow (re)entered its stage, and the same
 * submission returns that run (its run key), which the gate does not count (it counts runs since
 * the entry). A new series is a new run key.
 */
async function uploadOwnVolume(page: Page): Promise<string> {
  const upload = new UploadPage(page);
  await upload.open('demo');
  await upload.addFiles([T1]);
  await upload.waitDone();
  await upload.openStudy();
  return page.url();
}

/** The researcher segments the volume from its study page and waits for the run to succeed. */
async function segmentVolume(page: Page, studyUrl: string): Promise<string> {
  await page.goto(studyUrl);
  await expect(page.getByRole('heading', { name: /^Study / })).toBeVisible();
  await page
    .getByTestId('volume-row')
    .getByRole('button', { name: /^Segment/ })
    .click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: /^Run / }).getByTestId('run-status')).toHaveText('succeeded', { timeout: 240_000 });
  return page.url();
}

async function requestPromotion(page: Page, stage: 'shadow' | 'canary', target: string): Promise<void> {
  await page.goto('/promotions');
  const candidate = page.getByTestId('promotion-brain-tissue').getByTestId(`candidate-${stage}`);
  await expect(candidate).toContainText('gate passed');
  await candidate.getByRole('button', { name: `Request promotion to ${target}` }).click();
  await expect(candidate.getByRole('status')).toHaveText('promotion requested');
  await expect(candidate.getByTestId('pending-request')).toContainText('operator@demo.segflow');
  // four eyes: the requester cannot approve their own request
  await candidate.getByLabel(/^Reason for /).fill('my own request');
  await expect(candidate.getByRole('button', { name: 'Approve' })).toBeDisabled();
}

/** Another operator declines the request, with a reason: the request closes and the candidate stays. */
async function reject(page: Page, stage: 'shadow' | 'canary', reason: string): Promise<void> {
  await page.goto('/promotions');
  const candidate = page.getByTestId('promotion-brain-tissue').getByTestId(`candidate-${stage}`);
  await expect(candidate.getByRole('button', { name: 'Reject' })).toBeDisabled();
  await candidate.getByLabel(/^Reason for /).fill(reason);
  await page.screenshot({ path: 'test-results/promotions-reject.png', fullPage: true });
  await candidate.getByRole('button', { name: 'Reject' }).click();
  await expect(candidate.getByRole('status')).toHaveText('request rejected');
  await expect(candidate.getByTestId('pending-request')).toHaveCount(0);
  await expect(page.getByTestId('promotion-brain-tissue').getByTestId('history-row').first()).toContainText(reason);
}

async function approve(page: Page, stage: 'shadow' | 'canary', target: string, reason: string): Promise<void> {
  await page.goto('/promotions');
  const candidate = page.getByTestId('promotion-brain-tissue').getByTestId(`candidate-${stage}`);
  await candidate.getByLabel(/^Reason for /).fill(reason);
  await candidate.getByRole('button', { name: 'Approve' }).click();
  // the slot moves; the candidate's card (and its status line) may already be replaced by the next stage's
  const slot = page.getByTestId('promotion-brain-tissue').getByRole('definition');
  if (stage === 'shadow') await expect(slot.nth(1)).toHaveText(`1.0.0-fp16 · ${target.replace('canary ', '')} of studies`);
  else await expect(slot.nth(0)).toHaveText('1.0.0-fp16');
}

test('a newcomer walks the demo rollout at first start: Request (operator) → Approve (operator2) → canary → live', async ({ page, browser }) => {
  const operator = page;
  await new SignInPage(operator).signIn('operator');
  await operator.goto('/promotions');
  const model = operator.getByTestId('promotion-brain-tissue');
  await expect(model.getByTestId('model-owner')).toHaveText('Owned by project demo: its operators and admins change this slot.');
  // the demo's own gate is stated, with why
  await expect(model.getByTestId('gate-policy-summary')).toContainText('shadow: ≥ 1 compared cases');
  await expect(model.getByTestId('gate-policy-summary')).toContainText('steps 99 % → live');
  await expect(model.getByTestId('gate-policy-own')).toContainText('demo: the embedded demo has a handful of runs');

  // one compared case: a run of the demo volume, served by live 1.0.0 with the fp16 shadow beside it
  const researcher = await browser.newPage();
  await new SignInPage(researcher).signIn('researcher');
  const study = await uploadOwnVolume(researcher);
  const first = await segmentVolume(researcher, study);
  await expect(researcher.getByTestId('run-model')).toContainText('@1.0.0 (live)');

  await requestPromotion(operator, 'shadow', 'canary 99%');
  const second = await browser.newPage();
  await new SignInPage(second).signInAs(OPERATOR2.email, OPERATOR2.password);
  // a request can be declined (with a reason) and asked again
  await reject(second, 'shadow', 'look at one more case first');
  await requestPromotion(operator, 'shadow', 'canary 99%');
  await approve(second, 'shadow', 'canary 99%', 'fp16 agrees with live on the demo volume');
  await operator.goto('/promotions');
  const slot = model.getByRole('definition');
  await expect(slot.nth(1)).toHaveText('1.0.0-fp16 · 99% of studies');

  // one canary run: the same volume again, now served by the canary (a new run: other models, other run key);
  // a study hashes into the canary's 99 % or not (lib/rollout/choose-models.ts), so a study in the other
  // 1 % is served by live and the researcher uploads the volume once more
  let canaryRun = await segmentVolume(researcher, study);
  expect(canaryRun).not.toBe(first);
  for (let i = 0; i < 3 && !(await researcher.getByTestId('run-model').textContent())?.includes('(canary)'); i++) {
    canaryRun = await segmentVolume(researcher, await uploadOwnVolume(researcher));
  }
  await expect(researcher.getByTestId('run-model')).toContainText('1.0.0-fp16 (canary)');

  await requestPromotion(operator, 'canary', 'live');
  await approve(second, 'canary', 'live', 'the canary served the demo volume without failures');
  await operator.goto('/promotions');
  await expect(slot.nth(0)).toHaveText('1.0.0-fp16');
  await expect(slot.nth(1)).toHaveText('—');
  await expect(model.getByTestId('history-row').first()).toContainText('the canary served the demo volume');
  await operator.screenshot({ path: 'test-results/rollout-walk-promotions.png', fullPage: true });
});
