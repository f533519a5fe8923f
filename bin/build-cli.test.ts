/**
 * The prebuilt CLI's staleness check (bin/build-cli.mjs), on a small project of its own: a build is
 * current until one of its sources, its installed packages (as npm's node_modules/.package-lock.json
 * records them) or its lockfile changes.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, currentCliBuild } from './build-cli.mjs';

let root: string;

function write(rel: string, text: string): void {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), text);
}

/** A later mtime, as an edit or an install gives it, without waiting for the clock. */
function touch(rel: string, secondsLater: number): void {
  const t = Date.now() / 1000 + secondsLater;
  utimesSync(join(root, rel), t, t);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'segflow-build-cli-'));
  write('cli/index.ts', "import { greeting } from '../lib/greeting';\nimport tiny from 'tiny-package';\nconsole.log(greeting, tiny);\n");
  write('lib/greeting.ts', "export const greeting: string = 'hello';\n");
  write('node_modules/tiny-package/package.json', '{"name":"tiny-package","version":"1.0.0","main":"index.js"}\n');
  write('node_modules/tiny-package/index.js', 'module.exports = 42;\n');
  write('node_modules/.package-lock.json', '{"lockfileVersion":3}\n');
  write('package-lock.json', '{"lockfileVersion":3}\n');
  write('package.json', '{"name":"tiny-project","private":true}\n');
  write('tsconfig.json', '{"compilerOptions":{"strict":true}}\n');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the prebuilt CLI', () => {
  it('is current after a build, and stale when a source, the installed packages or the lockfile change', async () => {
    expect(currentCliBuild(root)).toBeNull(); // never built
    const entry = await buildCli(root);
    expect(currentCliBuild(root)).toBe(entry);

    touch('lib/greeting.ts', 10);
    expect(currentCliBuild(root)).toBeNull();
    const rebuilt = await buildCli(root);
    expect(rebuilt).not.toBe(entry);
    expect(currentCliBuild(root)).toBe(rebuilt);

    // a package file alone does not count (npm never changes one without rewriting its record)...
    touch('node_modules/tiny-package/index.js', 20);
    expect(currentCliBuild(root)).toBe(rebuilt);
    // ...the record of what is installed does
    touch('node_modules/.package-lock.json', 30);
    expect(currentCliBuild(root)).toBeNull();
    const afterInstall = await buildCli(root);
    expect(currentCliBuild(root)).toBe(afterInstall);

    touch('package-lock.json', 40);
    expect(currentCliBuild(root)).toBeNull();
  });

  it('records the project files it was built from and the installed packages as one file', async () => {
    await buildCli(root);
    const current = JSON.parse(readFileSync(join(root, '.build/cli/current.json'), 'utf8')) as { inputs: string[] };
    expect(current.inputs).toEqual(['cli/index.ts', 'lib/greeting.ts', 'node_modules/.package-lock.json']);
  });
});
