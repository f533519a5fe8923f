import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiffViewerPanel, type DiffColour } from './pages/diff-viewer';
import { readNiftiHeader } from '../lib/imaging/nifti/read-nifti-header';
import { MaskViewerPanel } from './pages/mask-viewer';
import { SignInPage } from './pages/sign-in-page';

test.describe.configure({ timeout: 480_000 });

type Tokens = Record<'researcher' | 'reviewer' | 'operator' | 'admin', string>;
type RunBody = { run: { id: string; status: string; studyLabel: string; error: string | null } };
type Profile = { axis: number; slices: number; total: number[]; orientation: 'axial' | 'coronal' | 'sagittal' };

// the diff colours as diff mode draws them (components/viewer/diff-colors.ts)
const AGREE: [number, number, number] = [0, 158, 115];
const LIVE_ONLY: [number, number, number] = [230, 159, 0];
const SHADOW_ONLY: [number, number, number] = [86, 180, 233];

const tokens = () => JSON.parse(readFileSync(join(process.cwd(), '.data/e2e/demo-tokens.json'), 'utf8')) as Tokens;
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

/** The demo run (live 1.0.0, fp16 shadow) that e2e/viewer.spec.ts and runs.spec.ts submit too: the same submission is the same run. */
async function demoRun(page: Page, request: APIRequestContext, t: Tokens): Promise<RunBody['run']> {
  await new SignInPage(page).signIn('researcher');
  await page.goto('/studies?project=demo');
  const hrefs = await page
    .getByRole('table')
    .getByRole('link')
    .evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  const studyId = hrefs[hrefs.length - 1].split('/').pop()!; // newest first: the demo study is the last
  await page.context().clearCookies();
  const study = (await (await request.get(`/api/studies/${studyId}`, { headers: auth(t.researcher) })).json()) as { volumes: { id: string }[] };
  const submitted = await request.post('/api/projects/demo/runs', {
    headers: auth(t.researcher),
    data: { series: study.volumes[0].id, model: 'brain-tissue' },
  });
  expect([200, 201]).toContain(submitted.status());
  const { run } = (await submitted.json()) as RunBody;
  let current = run;
  await expect
    .poll(
      async () => {
        current = ((await (await request.get(`/api/runs/${run.id}`, { headers: auth(t.researcher) })).json()) as RunBody).run;
        return current.status;
      },
      { timeout: 300_000, intervals: [2_000] },
    )
    .toMatch(/succeeded|failed|cancelled/);
  expect(current.error).toBeNull();
  expect(current.status).toBe('succeeded');
  return current;
}

/** The compare step's stored per-slice counts, as an operator downloads them (not through the page under test). */
async function storedProfile(request: APIRequestContext, t: Tokens, runId: string): Promise<Profile> {
  const res = await request.get(`/api/runs/${runId}/outputs`, { headers: auth(t.operator) });
  expect(res.status()).toBe(200);
  const { outputs } = (await res.json()) as { outputs: { file: string; url: string }[] };
  expect(outputs.map((o) => o.file)).toEqual(expect.arrayContaining(['difference.nii.gz', 'disagreement.json']));
  // a researcher never gets shadow results
  const asResearcher = (await (await request.get(`/api/runs/${runId}/outputs`, { headers: auth(t.researcher) })).json()) as { outputs: { file: string }[] };
  expect(asResearcher.outputs.map((o) => o.file)).not.toContain('disagreement.json');
  const profile = (await (await request.get(outputs.find((o) => o.file === 'disagreement.json')!.url)).json()) as Profile;
  expect(profile.total).toHaveLength(profile.slices);
  return profile;
}

/** The header of the run's de-identified volume (its affine), through the run's image links. */
async function storedVolumeHeader(request: APIRequestContext, t: Tokens, runId: string) {
  const res = await request.get(`/api/runs/${runId}/images`, { headers: auth(t.operator) });
  expect(res.status()).toBe(200);
  const { volume } = (await res.json()) as { volume: { url: string } };
  return readNiftiHeader(new Uint8Array(await (await request.get(volume.url)).body()));
}

/** Walks the worst slices ("n") until every diff colour has been drawn on the difference canvas; returns what it saw. */
async function walkUntilAllColours(diff: DiffViewerPanel, maxSteps: number): Promise<Set<DiffColour>> {
  const seen = new Set<DiffColour>();
  // drawn once the images are in (agreement covers most of the brain on every slice that differs)
  await expect.poll(async () => (await diff.colourCounts()).agree, { timeout: 30_000 }).toBeGreaterThan(100);
  for (let step = 0; step <= maxSteps; step++) {
    const counts = await diff.colourCounts();
    for (const k of ['agree', 'liveOnly', 'shadowOnly'] as const) if (counts[k] > 0) seen.add(k);
    if (seen.size === 3) break;
    const before = await diff.slice();
    await diff.press('n');
    await expect.poll(() => diff.slice()).not.toBe(before);
    await expect.poll(async () => (await diff.colourCounts()).slice).toBe(await diff.slice());
  }
  return seen;
}

test('diff mode: the case opens at the worst slice, draws agreement, live-only and shadow-only voxels, and "next worst slice" follows the stored counts', async ({
  page,
  browser,
  request,
}) => {
  const t = tokens();
  const run = await demoRun(page, request, t);
  const profile = await storedProfile(request, t, run.id);
  const worst = profile.total.indexOf(Math.max(...profile.total));
  expect(profile.total[worst], 'fp16 and fp32 masks differ somewhere').toBeGreaterThan(0);

  // reviewer: queue with progress and filters, then the case in diff mode
  const reviewer = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await new SignInPage(reviewer).signIn('reviewer');
  await reviewer.goto('/reviews');
  await expect(reviewer.getByTestId('review-progress')).toContainText(/\d+ of \d+ reviewed/);
  await reviewer.getByRole('link', { name: 'lowest Dice first' }).click();
  await expect(reviewer).toHaveURL(/order=low-dice/);
  const row = reviewer.locator(`[data-testid="review-row"][data-run="${run.id}"]`).first();
  await row.getByRole('link').click();
  await expect(reviewer).toHaveURL(/\/reviews\/[0-9a-f-]+\?order=low-dice/);
  await expect(reviewer.getByTestId('review-progress')).toContainText(/\d+ of \d+ reviewed/);
  await expect(reviewer.getByRole('navigation', { name: 'Review queue' })).toContainText('lowest Dice first');
  const diff = new DiffViewerPanel(reviewer);
  await diff.waitReady();
  // opens at the worst slice of the stored counts, and says how many voxels differ there
  expect(await diff.slice()).toBe(worst);
  await expect(diff.root.getByTestId('diff-slice-count')).toHaveText(String(profile.total[worst]));
  await expect(diff.root.getByTestId('diff-profile').locator('.recharts-bar-rectangle').first()).toBeVisible();
  await reviewer.screenshot({ path: 'test-results/diff-review-case.png', fullPage: true });

  // all three colours, walking the worst slices (the fp16 shadow differs from live by a few voxels per slice)
  const seen = await walkUntilAllColours(diff, 30);
  expect([...seen].sort()).toEqual(['agree', 'liveOnly', 'shadowOnly']);

  // from a slice where the masks agree, "next worst slice" goes to the slice with the most differing voxels
  const agreeing = profile.total.indexOf(0);
  expect(agreeing).toBeGreaterThanOrEqual(0);
  const caseUrl = new URL(reviewer.url());
  caseUrl.searchParams.set('slice', String(agreeing));
  await reviewer.goto(caseUrl.toString());
  await diff.waitReady();
  expect(await diff.slice()).toBe(agreeing);
  await diff.press('n');
  await expect.poll(() => diff.slice()).toBe(worst);
  await expect(reviewer).toHaveURL(new RegExp(`slice=${worst}`));
  // the next one is the second worst of the stored counts; "p" goes back
  const second = profile.total
    .map((c, i) => ({ c, i }))
    .filter((x) => x.c > 0 && x.i !== worst)
    .sort((a, b) => b.c - a.c || a.i - b.i)[0].i;
  await diff.press('n');
  await expect.poll(() => diff.slice()).toBe(second);
  await diff.root.getByRole('button', { name: /Previous worst slice/ }).click();
  await expect.poll(() => diff.slice()).toBe(worst);
  await reviewer.close();

  // operator: the run page's diff mode
  const operator = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await new SignInPage(operator).signIn('operator');
  await operator.goto(`/runs/${run.id}`);
  await operator.getByRole('link', { name: /diff mode/ }).click();
  await expect(operator).toHaveURL(/view=diff/);
  const opDiff = new DiffViewerPanel(operator);
  await opDiff.waitReady();
  expect(await opDiff.slice()).toBe(worst);
  await expect.poll(async () => (await opDiff.colourCounts()).agree).toBeGreaterThan(100);
  await operator.screenshot({ path: 'test-results/diff-run-page.png', fullPage: true });

  // three planes: the difference and both masks in synced MPR, the profile's plane on the profile's
  // slice, matched by patient position (the corner's mm is the volume's affine at that slice): none
  // of the differing colours on a slice where the masks agree, some on the worst one after "n"; a
  // wheel in that plane moves the profile's slice by one
  const volumeHeader = await storedVolumeHeader(request, t, run.id);
  const mmOf = (slice: number) => {
    const voxel = [0, 0, 0, 1];
    voxel[profile.axis] = slice;
    const ras = [0, 1, 2].map((r) => volumeHeader.affine[r].reduce((sum, m, c) => sum + m * voxel[c], 0));
    return { axial: ras[2], sagittal: -ras[0], coronal: -ras[1] }[profile.orientation];
  };
  const agreeAt = new URL(operator.url());
  agreeAt.searchParams.set('slice', String(agreeing));
  agreeAt.searchParams.set('planes', '1');
  await operator.goto(agreeAt.toString());
  await opDiff.waitReady();
  await expect(operator.getByRole('radio', { name: 'Three planes' })).toBeChecked();
  const mpr = new MaskViewerPanel(operator);
  await mpr.waitReady(120_000);
  await expect(mpr.viewports()).toHaveCount(9);
  await expect(mpr.root.getByTestId('pane-title')).toHaveText(['Difference', /\(live\)/, /\(shadow\)/]);
  // each row's title spans the row (it sat above the first plane only, pushing it below the others)
  const tops = await mpr.viewports().evaluateAll((els) => els.slice(0, 3).map((e) => Math.round(e.getBoundingClientRect().top)));
  expect(new Set(tops).size).toBe(1);
  // nine panes of masks, then no pane still says it is drawing them
  await expect(mpr.root.getByTestId('masks-drawing')).toHaveCount(0, { timeout: 60_000 });
  const diffPane = (await mpr.planes()).indexOf(profile.orientation); // the difference row comes first
  expect(diffPane).toBeGreaterThanOrEqual(0);
  const paneMm = async () => Number(/(-?\d+(?:\.\d+)?) mm/.exec((await mpr.viewports().nth(diffPane).getByTestId('slice-position').textContent()) ?? '')?.[1]);
  const differing = async () => {
    const [agree, liveOnly, shadowOnly] = (await mpr.colourCounts([AGREE, LIVE_ONLY, SHADOW_ONLY]))[diffPane];
    return { agree, differing: liveOnly + shadowOnly };
  };
  await expect.poll(async () => Math.abs((await paneMm()) - mmOf(agreeing)), { timeout: 30_000 }).toBeLessThan(0.06);
  expect((await differing()).differing).toBe(0);
  await opDiff.press('n');
  await expect.poll(() => opDiff.slice()).toBe(worst);
  await expect.poll(async () => Math.abs((await paneMm()) - mmOf(worst)), { timeout: 30_000 }).toBeLessThan(0.06);
  await expect.poll(async () => (await differing()).differing, { timeout: 30_000 }).toBeGreaterThan(0);
  expect((await differing()).agree).toBeGreaterThan(100);
  await operator.screenshot({ path: 'test-results/diff-run-page-planes.png', fullPage: true });
  await mpr.viewports().nth(diffPane).hover();
  await operator.mouse.wheel(0, 100);
  await expect.poll(async () => Math.abs((await opDiff.slice()) - worst)).toBe(1);
  await expect.poll(async () => Math.abs((await paneMm()) - mmOf(await opDiff.slice())), { timeout: 30_000 }).toBeLessThan(0.06);
  await operator.close();

  // a researcher's run page has no diff mode (no shadow results)
  await new SignInPage(page).signIn('researcher');
  await page.goto(`/runs/${run.id}?view=diff`);
  await expect(page.getByRole('heading', { name: /^Run / })).toBeVisible();
  await expect(page.getByTestId('diff-viewer')).toHaveCount(0);
});
