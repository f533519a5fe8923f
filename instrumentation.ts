/**
 * Runs once when the Next.js server starts: on the embedded defaults (and whenever SEGFLOW_EXECUTOR
 * is `local`) the local executor starts taking queued runs, picking up any a previous process left.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  if ((process.env.SEGFLOW_EXECUTOR ?? 'local') !== 'local') return;
  const { localExecutor } = await import('./lib/executor/local/local-executor');
  await localExecutor().start();
}
