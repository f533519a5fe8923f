import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('./', import.meta.url)) } },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'e2e/**', '.next/**', '.data/**'],
    environment: 'node',
    globalSetup: ['./test/global-setup.ts'],
    // 2 cores here: integration tests share one PostgreSQL database and one S3 server per file.
    pool: 'forks',
    maxWorkers: 2,
    // as bin/segflow.mjs does: the AWS SDK's notice that its 2027 releases need Node 22 (README: npm and Node)
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
