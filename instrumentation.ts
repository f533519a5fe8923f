/**
 * Runs once when the Next.js server starts. With SEGFLOW_EXECUTOR=none (what `segflow start` gives
 * the app, whose executor runs as its own `segflow executor` process, and what an API-only replica
 * sets) this process takes no runs. Otherwise the configured executor starts inside the app, as it
 * did before the executor had its own process (`next start` on its own).
 */
export async function register(): Promise<void> {
  const { config } = await import('./lib/config');
  const cfg = config();
  if (cfg.nextRuntime !== 'nodejs' || !cfg.executor.takesRuns) return;
  const { argoConnection, argoExecutor } = await import('./lib/executor/argo/argo-executor');
  if (cfg.executor.kind === 'argo') {
    argoExecutor().start(argoConnection(cfg)!);
    return;
  }
  const { localExecutor } = await import('./lib/executor/local/local-executor');
  await localExecutor().start();
}
