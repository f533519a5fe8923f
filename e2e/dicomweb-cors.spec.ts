import { expect, type Page, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { BASE_URL, DICOMWEB_VIEWER_ORIGIN } from '../playwright.config';
import { SignInPage } from './pages/sign-in-page';

/**
 * A viewer served from another origin (as OHIF often is) calls /dicomweb from real Chromium, which
 * enforces CORS itself: the configured origin gets its answers with a bearer token, any other
 * origin is blocked, and no origin may use a signed-in user's session cookie.
 */
const token = () => (JSON.parse(readFileSync(join(process.cwd(), '.data/e2e/demo-tokens.json'), 'utf8')) as { researcher: string }).researcher;

function servePage(origin: string): Promise<Server> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>another viewer</title><p>a viewer on another origin</p>');
  });
  const { hostname, port } = new URL(origin);
  return new Promise((resolve) => server.listen(Number(port), hostname, () => resolve(server)));
}

type Outcome = { status: number; type: string | null; body: string } | { error: string };

/** fetch() from the page's own origin, as a viewer's script would */
function fetchFromPage(page: Page, url: string, init: RequestInit): Promise<Outcome> {
  return page.evaluate(
    ([u, i]) =>
      fetch(u, i).then(
        async (r) => ({ status: r.status, type: r.headers.get('content-type'), body: await r.text() }),
        (e: Error) => ({ error: String(e) }),
      ),
    [url, init] as [string, RequestInit],
  );
}

test.describe('DICOMweb from another origin (CORS)', () => {
  let allowed: Server;
  let other: Server;
  const otherOrigin = DICOMWEB_VIEWER_ORIGIN.replace(/:(\d+)$/, (_m, p) => `:${Number(p) + 1}`);
  const studies = `${BASE_URL}/dicomweb/demo/studies?limit=1`;

  test.beforeAll(async () => {
    allowed = await servePage(DICOMWEB_VIEWER_ORIGIN);
    other = await servePage(otherOrigin);
  });
  test.afterAll(async () => {
    await new Promise((r) => allowed.close(r));
    await new Promise((r) => other.close(r));
  });

  test('the configured origin reads QIDO-RS with a token; another origin is blocked by the browser', async ({ page }) => {
    await page.goto(DICOMWEB_VIEWER_ORIGIN);
    const init = { headers: { authorization: `Bearer ${token()}`, accept: 'application/dicom+json' } };
    const ok = await fetchFromPage(page, studies, init);
    expect(ok).toMatchObject({ status: 200, type: 'application/dicom+json' });
    expect(Array.isArray(JSON.parse((ok as { body: string }).body))).toBe(true);

    await page.goto(otherOrigin);
    const blocked = await fetchFromPage(page, studies, init);
    expect(blocked).toMatchObject({ error: expect.stringMatching(/Failed to fetch/) });
  });

  test('a page on the configured origin cannot act with a signed-in user’s session cookie', async ({ page }) => {
    await new SignInPage(page).signIn('researcher');
    // same-origin, the session works
    const same = await page.request.get(studies, { headers: { accept: 'application/dicom+json' } });
    expect(same.status()).toBe(200);
    await page.goto(DICOMWEB_VIEWER_ORIGIN);
    const withCookie = await fetchFromPage(page, studies, { credentials: 'include', headers: { accept: 'application/dicom+json' } });
    // no Access-Control-Allow-Credentials: the browser withholds the answer from the page
    expect(withCookie).toMatchObject({ error: expect.stringMatching(/Failed to fetch/) });
  });
});
