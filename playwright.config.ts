import { defineConfig } from '@playwright/test';

/**
 * e2e in Debian's Chromium (never `npx playwright install`). The app runs through the same launcher
 * as `npm start`, on its own port and data dir; with DATABASE_URL set (CI) it uses that PostgreSQL.
 */
const PORT = Number(process.env.E2E_PORT ?? 3100);
export const BASE_URL = `http://localhost:${PORT}`;
/** a viewer on another origin that may call /dicomweb with a token (e2e/dicomweb-cors.spec.ts serves a page there) */
export const DICOMWEB_VIEWER_ORIGIN = `http://127.0.0.1:${PORT + 1}`;

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
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
  webServer: {
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
      SEGFLOW_DICOMWEB_ORIGINS: DICOMWEB_VIEWER_ORIGIN,
    },
  },
});
