/**
 * Runs once when the Next.js server starts: the executor loop of this deployment starts taking runs.
 * On the embedded defaults that is the local executor (picking up any run a previous process left);
 * with ARGO_SERVER (or SEGFLOW_EXECUTOR=argo) the Argo executor, which submits queued runs as
 * workflows and mirrors their state. SEGFLOW_EXECUTOR=none starts neither (an API-only replica).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.SEGFLOW_EXECUTOR === 'none') return;
  const { argoConnection, executorKind } = await import('./lib/executor/argo/argo-executor');
  if (executorKind() === 'argo') {
    const conn = argoConnection();
    if (!conn) throw new Error('SEGFLOW_EXECUTOR=argo needs ARGO_SERVER (and ARGO_TOKEN, ARGO_NAMESPACE)');
    const { argoExecutor } = await import('./lib/executor/argo/argo-executor');
    argoExecutor(conn).start();
    return;
  }
  const { localExecutor } = await import('./lib/executor/local/local-executor');
  await localExecutor().start();
}
