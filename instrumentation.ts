/**
 * Runs once when the Next.js server starts. With SEGFLOW_EXECUTOR=none (what `segflow start` gives
 * the app, whose executor runs as its own `segflow executor` process, and what an API-only replica
 * sets) this process takes no runs. Otherwise (`next start` on its own) the configured executor runs
 * inside the app, and a submission wakes it at once.
 */
export async function register(): Promise<void> {
  const { config } = await import('./lib/config');
  const cfg = config();
  if (cfg.nextRuntime !== 'nodejs' || !cfg.executor.takesRuns) return;
  const { createExecutor } = await import('./lib/executor/create-executor');
  const { processExecutor, setProcessExecutor } = await import('./lib/executor/executor');
  if (processExecutor()) return;
  const executor = createExecutor(cfg);
  setProcessExecutor(executor);
  await executor.start();
  const { startAuditCheckpointer } = await import('./lib/audit/audit-checkpointer');
  const { getDb } = await import('./lib/db');
  const checkpointer = startAuditCheckpointer(getDb);
  const { startWebhookDeliverer } = await import('./lib/webhooks/deliver-webhooks');
  const deliverer = startWebhookDeliverer(getDb);
  process.once('SIGTERM', () => void Promise.all([checkpointer.stop(), deliverer.stop()]));
}
