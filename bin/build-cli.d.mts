// Types of bin/build-cli.mjs (plain JavaScript: it runs before anything can compile TypeScript).
export const EXTERNAL_PACKAGES: string[];
/** The files whose sizes and mtimes make the stamp, from the files esbuild read. */
export function stampInputs(readByEsbuild: string[]): string[];
/** The current bundle's entry file, or null when there is none or its sources changed since it was built. */
export function currentCliBuild(root?: string): string | null;
/** Builds the bundle (esbuild) and makes it current; returns its entry file. */
export function buildCli(root?: string): Promise<string>;
/** The entry of a current bundle, built first (with a line on stderr) when missing or stale. */
export function ensureCliBuild(root?: string): Promise<string>;
