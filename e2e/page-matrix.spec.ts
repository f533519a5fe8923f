import { expect, test, type Browser, type Page } from '@playwright/test';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { DEMO, SignInPage, type DemoRole } from './pages/sign-in-page';
import { openDemoStudy } from './pages/demo-study';
import { misalignedTables } from './support/misaligned-tables';

/**
 * Every page.tsx, visited in the browser as each demo role (one signed-in context per role): a role
 * the page allows gets a 200 with the page's own heading and no refusal; any other role gets the
 * forbidden page. Written down independently of the permission map. A new page without a row here
 * fails the first test. Dynamic segments point at targets this spec makes itself (the demo study, a
 * run of it, and that run's shadow comparison), so it depends on no other spec.
 */
test.describe.configure({ timeout: 300_000 });

interface PageRow {
  allowed: DemoRole[];
  heading: RegExp;
}

const ROLES = Object.keys(DEMO) as DemoRole[];
const ALL = ROLES;

const PAGES: Record<string, PageRow> = {
  '/dashboard': { allowed: ['operator', 'admin'], heading: /^Dashboard/ },
  '/studies': { allowed: ['researcher', 'admin'], heading: /^Studies$/ },
  '/studies/upload': { allowed: ['researcher', 'admin'], heading: /^Upload a study$/ },
  '/studies/[study]': { allowed: ['researcher', 'admin'], heading: /^Study / },
  '/runs': { allowed: ['researcher', 'operator', 'admin'], heading: /^Runs$/ },
  '/runs/[run]': { allowed: ['researcher', 'operator', 'admin'], heading: /^Run / },
  '/models': { allowed: ['researcher', 'operator', 'admin'], heading: /^Models$/ },
  '/models/register': { allowed: ['operator', 'admin'], heading: /^Register a model version$/ },
  '/models/[model]/versions/[version]': { allowed: ['researcher', 'operator', 'admin'], heading: /^Model brain-tissue@1\.0\.0$/ },
  '/promotions': { allowed: ['operator', 'admin'], heading: /^Promotions$/ },
  '/reviews': { allowed: ['reviewer', 'operator', 'admin'], heading: /^Reviews$/ },
  '/reviews/[comparison]': { allowed: ['reviewer', 'operator', 'admin'], heading: /^Review of study / },
  '/audit': { allowed: ['admin'], heading: /^Audit log/ },
  '/settings/tokens': { allowed: ALL, heading: /^API tokens$/ },
  '/admin': { allowed: ['admin'], heading: /^Administration$/ },
  '/admin/users': { allowed: ['admin'], heading: /^Users$/ },
  '/admin/projects/[project]': { allowed: ['admin'], heading: /^Project demo$/ },
  '/settings/project': { allowed: ['admin'], heading: /^Project settings/ },
};
/**
 * not a page of its own: `/` sends a signed-in user to their first navigation entry (checked below);
 * /no-project is for a user in no project and sends any member on to that same entry
 */
const REDIRECTS = ['/', '/no-project'];
/** reachable without a session by design */
const PUBLIC = ['/invite/[token]', '/signin'];

function pageRoutes(): string[] {
  const app = join(process.cwd(), 'app');
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e === 'page.tsx') {
        // route groups such as (app) are not part of the URL
        const segs = relative(app, d)
          .split(sep)
          .filter((s) => s && !/^\(.*\)$/.test(s));
        out.push(`/${segs.join('/')}`);
      }
    }
  };
  walk(app);
  return out.sort();
}

async function signedIn(browser: Browser, role: DemoRole): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await new SignInPage(page).signIn(role);
  return page;
}

test('every page.tsx has a row', () => {
  const known = [...Object.keys(PAGES), ...REDIRECTS, ...PUBLIC].sort();
  expect(pageRoutes()).toEqual(known);
});

test('each role gets each page it is allowed, and the forbidden page on the others', async ({ browser }) => {
  // targets: the demo study, a run of its volume (the same submission as the Segment button: the
  // same run), and once it finished, its shadow comparison
  const researcher = await signedIn(browser, 'researcher');
  const study = await openDemoStudy(researcher);
  const summary = (await (await researcher.request.get(`/api/studies/${study}`)).json()) as { volumes: { id: string }[] };
  const volume = summary.volumes[0];
  const submitted = await researcher.request.post('/api/projects/demo/runs', { data: { series: volume.id, model: 'brain-tissue' } });
  expect([200, 201]).toContain(submitted.status());
  const run: string = (await submitted.json()).run.id;
  await expect
    .poll(async () => (await (await researcher.request.get(`/api/runs/${run}`)).json()).run.status, { timeout: 240_000, intervals: [1000] })
    .toBe('succeeded');

  const admin = await signedIn(browser, 'admin');
  await admin.goto('/reviews');
  const reviewHref = await admin.locator('a[href^="/reviews/"]').first().getAttribute('href');
  const comparison = reviewHref!.split('/').pop()!;
  const targets: Record<string, string> = {
    '[study]': study,
    '[run]': run,
    '[comparison]': comparison,
    '[project]': 'demo',
    '[model]': 'brain-tissue',
    '[version]': '1.0.0',
  };
  const url = (route: string) => route.replace(/\[[a-z]+\]/g, (seg) => targets[seg]) + (route.includes('[') ? '' : '?project=demo');

  const pages: Record<DemoRole, Page> = { researcher, admin, reviewer: await signedIn(browser, 'reviewer'), operator: await signedIn(browser, 'operator') };
  const wrong: string[] = [];
  for (const role of ROLES) {
    const page = pages[role];
    for (const [route, row] of Object.entries(PAGES)) {
      const res = await page.goto(url(route));
      const status = res?.status();
      const forbidden = await page.getByTestId('forbidden').count();
      const heading = (await page.locator('main h1').first().textContent())?.trim() ?? '';
      if (row.allowed.includes(role)) {
        if (status !== 200 || forbidden || !row.heading.test(heading))
          wrong.push(`${route} as ${role}: ${status}, heading "${heading}", forbidden page: ${forbidden > 0}`);
        for (const table of await misalignedTables(page)) wrong.push(`${route} as ${role}: ${table}`);
      } else if (!forbidden) {
        wrong.push(`${route} as ${role}: ${status}, heading "${heading}" instead of the forbidden page`);
      }
    }
    // the home page sends each role to a page it may open
    await page.goto('/');
    await expect(page.getByTestId('forbidden')).toHaveCount(0);
    await expect(page.locator('main h1').first()).toBeVisible();
  }
  expect(wrong).toEqual([]);
  for (const page of Object.values(pages)) await page.context().close();
});
