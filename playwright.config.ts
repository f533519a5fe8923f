import { defineConfig } from '@playwright/test';

/**
 * e2e in Debian's Chromium (never `npx playwright install`). The app runs through the same launcher
 * as `npm start`, on its own port and data dir; with DATABASE_URL set (CI) it uses that PostgreSQL.
 */
const PORT = Number(process.env.E2E_PORT ?? 3100);
export const BASE_URL = `http://localhost:${PORT}`;
/** a viewer on another origin that may call /dicomweb with a token (e2e/dicomweb-cors.spec.ts serves a page there) */
export const DICOMWEB_VIEWER_ORIGIN = `http://127.0.0.1:${PORT + 1}`;
/** a real OpenID provider for the single sign-on spec (e2e/oidc/provider.mjs), and the app's client at it */
const OIDC_PORT = Number(process.env.E2E_OIDC_PORT ?? PORT + 1000);
const OIDC = { issuer: `http://localhost:${OIDC_PORT}`, clientId: 'segflow-e2e', clientSecret: 'segflow-e2e-client-secret' };

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
  // the rollout walk moves the demo's fp16 variant to live: it runs after every spec that relies on it in shadow
  projects: [
    { name: 'main', testIgnore: '**/rollout-walk.spec.ts' },
    { name: 'rollout-walk', testMatch: '**/rollout-walk.spec.ts', dependencies: ['main'] },
  ],
  use: {
    baseURL: BASE_URL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--use-angle=swiftshader',
        '--enable-unsafe-swiftshader',
      ],
    },
  },
  webServer: [
    {
      command: `node e2e/oidc/provider.mjs ${OIDC_PORT} ${BASE_URL} ${OIDC.clientId} ${OIDC.clientSecret}`,
      url: `http://127.0.0.1:${OIDC_PORT}/.well-known/openid-configuration`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: 'pipe',
    },
    {
      command: `node bin/segflow.mjs start --port ${PORT}`,
      url: `http://127.0.0.1:${PORT}/api/health`,
      timeout: 900_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      env: {
        SEGFLOW_DATA_DIR: '.data/e2e',
        SEGFLOW_PG_PORT: process.env.E2E_PG_PORT ?? '54339',
        SEGFLOW_S3_PORT: process.env.E2E_S3_PORT ?? '4579',
        SEGFLOW_DEMO: 'true',
        // the run e2e starts its own run from the study page
        SEGFLOW_DEMO_RUN: 'false',
        NEXTAUTH_URL: BASE_URL,
        OIDC_ISSUER: OIDC.issuer,
        OIDC_CLIENT_ID: OIDC.clientId,
        OIDC_CLIENT_SECRET: OIDC.clientSecret,
        SEGFLOW_DICOMWEB_ORIGINS: DICOMWEB_VIEWER_ORIGIN,
      },
    },
  ],
});
