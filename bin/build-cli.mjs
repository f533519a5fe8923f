// The prebuilt `segflow` command: an esbuild bundle of cli/ (and, through `segflow step`, workers/
// and the lib/ they use) in .build/cli/<stamp>/, so no process compiles TypeScript at start.
// bin/segflow.mjs calls ensureCliBuild(): it builds when the bundle is missing or older than its
// sources, saying so on stderr; `npm run build` (and `node bin/build-cli.mjs`) builds it ahead.
//
// Staleness is cheap: the build records the repository files esbuild read (its metafile), and the
// stamp is a hash of their sizes and mtimes, with package-lock.json, tsconfig.json and this file.
// Files under node_modules/ count as one: npm rewrites node_modules/.package-lock.json whenever it
// changes what is installed, so that one file stands for the ~800 package files the bundle takes
// in (each start stats about 270 files instead of 1,100: 20 ms of CPU less per command).
// Each build goes to its own directory named by that stamp (written under a temporary name, then
// renamed), and .build/cli/current.json (also renamed into place) names the current one, so
// concurrent starts never read a half-written bundle.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Loaded from node_modules at run time, never bundled: native code, WebAssembly beside their JS, or Next itself. */
export const EXTERNAL_PACKAGES = [
  'onnxruntime-node',
  '@electric-sql/pglite',
  '@electric-sql/pglite-socket',
  'next',
  'sharp',
  's3rver',
  '@cornerstonejs/dicom-codec',
];

/** Besides the files the bundle was built from: what changes the output without changing a source. */
const EXTRA_INPUTS = ['package-lock.json', 'tsconfig.json', 'bin/build-cli.mjs'];
/** Written by npm on every install, update or removal in node_modules: stands for the package files. */
const INSTALLED_PACKAGES = 'node_modules/.package-lock.json';
const KEEP_BUILDS = 3;

const defaultRoot = fileURLToPath(new URL('..', import.meta.url));

function buildRoot(root) {
  return join(root, '.build', 'cli');
}

/** The files whose sizes and mtimes make the stamp, from the files esbuild read. */
export function stampInputs(readByEsbuild) {
  const own = readByEsbuild.filter((f) => !f.includes(':') && !f.startsWith('node_modules/'));
  const packages = readByEsbuild.some((f) => f.startsWith('node_modules/')) ? [INSTALLED_PACKAGES] : [];
  return [...own.sort(), ...packages];
}

function stampOf(root, inputs) {
  const hash = createHash('sha256');
  // paths joined by hand: path.join of each of 270 files was a third of the check
  const base = root.endsWith(sep) ? root : root + sep;
  for (const file of [...inputs, ...EXTRA_INPUTS]) {
    const st = statSync(base + file, { throwIfNoEntry: false });
    hash.update(st ? `${file}:${st.size}:${st.mtimeMs}\n` : `${file}:missing\n`);
  }
  return hash.digest('hex').slice(0, 20);
}

/** The last build's entry file and whether its sources are unchanged since, or null when there is none. */
function lastCliBuild(root) {
  let current;
  try {
    current = JSON.parse(readFileSync(join(buildRoot(root), 'current.json'), 'utf8'));
  } catch {
    return null;
  }
  if (!current || typeof current.stamp !== 'string' || !Array.isArray(current.inputs)) return null;
  const entry = join(buildRoot(root), current.stamp, 'index.mjs');
  try {
    statSync(entry);
  } catch {
    return null;
  }
  return { entry, fresh: stampOf(root, current.inputs) === current.stamp };
}

/** The current bundle's entry file, or null when there is none or its sources changed since it was built. */
export function currentCliBuild(root = defaultRoot) {
  const last = lastCliBuild(root);
  return last?.fresh ? last.entry : null;
}

/**
 * An external package imported by a subpath (`next/server`): Node's ESM resolver needs the file's
 * extension when the package has no "exports" map, so the import is rewritten to the file it names.
 */
function externalPackages(root) {
  const require = createRequire(join(root, 'package.json'));
  const names = EXTERNAL_PACKAGES.map((p) => p.replace(/[/]/g, '\\/')).join('|');
  return {
    name: 'segflow-external-packages',
    setup(build) {
      build.onResolve({ filter: new RegExp(`^(${names})(\\/.*)?$`) }, (args) => {
        const m = args.path.match(new RegExp(`^(${names})(\\/.*)?$`));
        if (!m[2]) return { path: args.path, external: true };
        let pkgJson;
        try {
          pkgJson = JSON.parse(readFileSync(require.resolve(`${m[1]}/package.json`), 'utf8'));
        } catch {
          return { path: args.path, external: true };
        }
        if (pkgJson.exports) return { path: args.path, external: true };
        const file = require.resolve(args.path);
        const pkgDir = dirname(require.resolve(`${m[1]}/package.json`));
        return { path: `${m[1]}/${relative(pkgDir, file).split(sep).join('/')}`, external: true };
      });
    },
  };
}

function prune(dir, keep) {
  const now = Date.now();
  const builds = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    let st;
    try {
      st = statSync(path);
    } catch {
      continue;
    }
    if (!st.isDirectory()) continue;
    // another process's build in progress, unless it was abandoned long ago
    if (name.startsWith('tmp-')) {
      if (now - st.mtimeMs > 3_600_000) rmSync(path, { recursive: true, force: true });
      continue;
    }
    if (name !== keep) builds.push({ path, mtimeMs: st.mtimeMs });
  }
  // A long-running process may still load chunks of an older build: the newest few stay.
  builds.sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const old of builds.slice(KEEP_BUILDS - 1)) rmSync(old.path, { recursive: true, force: true });
}

/** Builds the bundle (esbuild) and makes it current; returns its entry file. */
export async function buildCli(root = defaultRoot) {
  const { build } = await import('esbuild');
  const dir = buildRoot(root);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `tmp-${process.pid}-${Date.now()}`);
  const result = await build({
    absWorkingDir: root,
    entryPoints: { index: 'cli/index.ts' },
    outdir: tmp,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    tsconfig: join(root, 'tsconfig.json'),
    plugins: [externalPackages(root)],
    // CommonJS packages bundled into ESM still call require() for Node's built-ins.
    banner: { js: "import { createRequire as __segflowRequire } from 'node:module'; const require = __segflowRequire(import.meta.url);" },
  });
  const inputs = stampInputs(Object.keys(result.metafile.inputs));
  const stamp = stampOf(root, inputs);
  const target = join(dir, stamp);
  try {
    renameSync(tmp, target);
  } catch {
    // the same build, made by a process that started at the same time
    rmSync(tmp, { recursive: true, force: true });
  }
  const currentTmp = join(dir, `current.json.${process.pid}`);
  writeFileSync(currentTmp, `${JSON.stringify({ stamp, builtAt: new Date().toISOString(), inputs })}\n`);
  renameSync(currentTmp, join(dir, 'current.json'));
  prune(dir, stamp);
  return join(target, 'index.mjs');
}

/** The entry of a current bundle, built first (with a line on stderr) when missing or stale. */
export async function ensureCliBuild(root = defaultRoot) {
  const last = lastCliBuild(root);
  if (last?.fresh) return last.entry;
  const started = Date.now();
  process.stderr.write('[segflow] building the CLI (esbuild → .build/cli/): missing or older than its sources…\n');
  let entry;
  try {
    entry = await buildCli(root);
  } catch (err) {
    // an image's read-only checkout whose file times changed on the way: the build it shipped still runs
    if (!last) throw err;
    process.stderr.write(`[segflow] could not rebuild the CLI (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); running the last build\n`);
    return last.entry;
  }
  process.stderr.write(`[segflow] CLI built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return entry;
}

// `node bin/build-cli.mjs` (npm run build): build now, whether or not the bundle is current.
if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const started = Date.now();
  const entry = await buildCli();
  process.stdout.write(`[segflow] CLI built in ${((Date.now() - started) / 1000).toFixed(1)} s: ${relative(process.cwd(), entry)}\n`);
}
