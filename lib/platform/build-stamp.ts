import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

// What the Next.js build depends on; a change in any of these makes `segflow start` rebuild.
const INPUTS = ['app', 'components', 'lib', 'db/schema', 'next.config.ts', 'proxy.ts', 'instrumentation.ts', 'package-lock.json', 'tsconfig.json'];

function walk(path: string, out: string[]): void {
  if (!existsSync(path)) return;
  const st = statSync(path);
  if (st.isDirectory()) {
    for (const name of readdirSync(path).sort()) walk(join(path, name), out);
  } else {
    out.push(`${path}:${st.size}:${st.mtimeMs}`);
  }
}

export function currentBuildStamp(root: string): string {
  const entries: string[] = [];
  for (const input of INPUTS) walk(join(root, input), entries);
  return createHash('sha256').update(entries.join('\n')).digest('hex');
}

export function buildIsCurrent(root: string): boolean {
  const stampFile = join(root, '.next', 'segflow-build-stamp');
  return existsSync(join(root, '.next', 'BUILD_ID')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === currentBuildStamp(root);
}
