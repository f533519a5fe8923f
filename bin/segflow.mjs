#!/usr/bin/env node
// The `segflow` command: runs cli/index.ts through tsx so the CLI shares lib/ with the app and workers.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const tsxCli = require.resolve('tsx/cli');
const res = spawnSync(process.execPath, [tsxCli, join(root, 'cli', 'index.ts'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: process.env,
});
process.exit(res.status ?? (res.signal ? 1 : 0));
