import { join } from 'node:path';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { DiffViewerPanel, type DiffColour } from './pages/diff-viewer';
import { SignInPage } from './pages/sign-in-page';
import { UploadPage } from './pages/upload-page';
import { auth, demoTokens, ownProject, waitFinished, type Tokens } from './support/own-project';

test.describe.configure({ timeout: 600_000 });

const T1 = join(process.cwd(), 'fixtures/nifti/brainchop-t1/t1_crop.nii.gz');
type Profile = { axis: number; slices: number; total: number[]; labels: { value: number; name: string; counts: number[] }[] };

/** The operator's rollout steps through the API (each needs a reason). */
async function rollout(request: APIRequestContext, t: Tokens, op: 'shadow' | 'rollback', version: string) {
  const res = await request.post(`/api/models/brain-tissue/rollout/${op}`, {
    headers: auth(t.operator),
    data: { version, reason: `e2e diff-degraded: ${op} ${version}` },
  });
  expect(res.status(), await res.text()).toBeLessThan(300);
}

test('diff mode on a case where shadow and live really differ (the degraded variant): all three colours, and "next worst slice" follows the stored counts', async ({
  page,
  browser,
  request,
}) => {
  const t = demoTokens();
  const project = await ownProject(request, t, 'diff-degraded');
  // the degraded variant in shadow for this one run, the fp16 variant back in shadow afterwards
  // (the slot is the model's, for every project: other specs find it as they expect it)
  await rollout(request, t, 'rollback', '1.0.0-fp16');
  let runId = '';
  try {
    await rollout(request, t, 'shadow', '1.0.0-degraded');
    await new SignInPage(page).signIn('researcher');
    const upload = new UploadPage(page);
    await upload.open(project);
    await upload.addFiles([T1]);
    await upload.waitDone();
    await upload.openStudy();
    await upload
      .volumeRows()
      .getByRole('button', { name: /^Segment/ })
      .click();
    await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
    runId = page.url().split('/').pop()!;
    const run = await waitFinished(request, t.researcher, runId, 480_000);
    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
  } finally {
    const slot = (await (await request.get('/api/models/brain-tissue/history', { headers: auth(t.operator) })).json()) as {
      shadow?: { version: string } | null;
    };
    if (slot.shadow?.version === '1.0.0-degraded') await rollout(request, t, 'rollback', '1.0.0-degraded');
    await rollout(request, t, 'shadow', '1.0.0-fp16');
  }

  // the stored per-slice counts, as an operator downloads them (not through the page under test)
  const outputs = (await (await request.get(`/api/runs/${runId}/outputs`, { headers: auth(t.operator) })).json()) as {
    outputs: { file: string; url: string }[];
  };
  const profile = (await (await request.get(outputs.outputs.find((o) => o.file === 'disagreement.json')!.url)).json()) as Profile;
  const ranked = profile.total
    .map((c, i) => ({ c, i }))
    .filter((x) => x.c > 0)
    .sort((a, b) => b.c - a.c || a.i - b.i);
  const worst = ranked[0].i;
  // the degraded variant differs from live in earnest, not by a few voxels as the fp16 one does
  expect(profile.total[worst]).toBeGreaterThan(1000);

  const operator = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await new SignInPage(operator).signIn('operator');
  await operator.goto(`/runs/${runId}?view=diff`);
  const diff = new DiffViewerPanel(operator);
  await diff.waitReady();
  // opens at the worst slice of the stored counts, with its count
  expect(await diff.slice()).toBe(worst);
  await expect(diff.root.getByTestId('diff-slice-count')).toHaveText(String(profile.total[worst]));
  // the worst slice alone shows all three colours, each on many pixels
  let counts: Record<DiffColour, number> = { agree: 0, liveOnly: 0, shadowOnly: 0 };
  await expect
    .poll(
      async () => {
        counts = await diff.colourCounts();
        return (['agree', 'liveOnly', 'shadowOnly'] as const).map((k) => counts[k] > 200);
      },
      { timeout: 30_000 },
    )
    .toEqual([true, true, true]);
  await operator.screenshot({ path: test.info().outputPath('diff-degraded-worst.png'), fullPage: true });

  // from a slice where the masks agree, "next worst slice" goes to the worst, then the second worst; "previous" back
  const agreeing = profile.total.indexOf(0);
  expect(agreeing).toBeGreaterThanOrEqual(0);
  await operator.goto(`/runs/${runId}?view=diff&slice=${agreeing}`);
  await diff.waitReady();
  expect(await diff.slice()).toBe(agreeing);
  await diff.press('n');
  await expect.poll(() => diff.slice()).toBe(worst);
  await diff.press('n');
  await expect.poll(() => diff.slice()).toBe(ranked[1].i);
  await expect(diff.root.getByTestId('diff-slice-count')).toHaveText(String(ranked[1].c));
  await diff.press('n');
  await expect.poll(() => diff.slice()).toBe(ranked[2].i);
  await diff.root.getByRole('button', { name: /Previous worst slice/ }).click();
  await expect.poll(() => diff.slice()).toBe(ranked[1].i);

  // one label picked: its own worst slice and count (the stored per-label counts), its differences only
  const grey = profile.labels.find((l) => l.name === 'Grey Matter')!;
  const greyRanked = grey.counts
    .map((c, i) => ({ c, i }))
    .filter((x) => x.c > 0)
    .sort((a, b) => b.c - a.c || a.i - b.i);
  await diff.root.getByLabel('Label').selectOption({ label: 'Grey Matter' });
  await expect.poll(() => diff.slice()).toBe(greyRanked[0].i);
  await expect(diff.root.getByTestId('diff-slice-count')).toHaveText(String(greyRanked[0].c));
  await expect(diff.root.getByTestId('diff-slice-status')).toContainText('differing voxels of Grey Matter');
  await expect(diff.root.getByTestId('diff-legend').getByRole('listitem')).toHaveText([/^Agreement/, /^Live only/, /^Shadow only/]);
  await expect
    .poll(async () => {
      const c = await diff.colourCounts();
      return c.liveOnly + c.shadowOnly > 0;
    })
    .toBe(true);
  await diff.press('n');
  await expect.poll(() => diff.slice()).toBe(greyRanked[1].i);
  await operator.screenshot({ path: test.info().outputPath('diff-degraded-grey-matter.png'), fullPage: true });
  await operator.close();
});
