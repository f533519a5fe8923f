/**
 * `npm run bench [name...]`: runs every bench/*.bench.ts (or the named ones) and prints one line per
 * measurement with its ratios against baselines measured in the same run. A bench that exports
 * `onlyWhenNamed` (it needs a database of its own: runs-list) runs only when named.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatLine, type BenchLine } from './harness';

const dir = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace('.bench.ts', '')))
  .sort();

for (const f of files) {
  const mod = (await import(pathToFileURL(join(dir, f)).href)) as { run: () => Promise<BenchLine[]>; onlyWhenNamed?: boolean };
  if (mod.onlyWhenNamed && wanted.length === 0) continue;
  const lines = await mod.run();
  for (const l of lines) console.log(formatLine(l));
}
