/**
 * `segflow executor [--check]`: runs this deployment's executor (local or Argo, lib/config) as its own
 * process — what `segflow start` starts beside the app, and the executor Deployment runs on Kubernetes.
 * `--check` reads its health file instead and exits 0 when the executor is alive (a liveness probe).
 */
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('executor')
    .description('run the pipeline executor as its own process (SIGTERM: finish or hand back the running step, then exit)')
    .option('--check', 'exit 0 when a running executor has reported recently (its health file), 1 otherwise')
    .action(async (o: { check?: boolean }) => {
      if (o.check) {
        const { config } = await import('@/lib/config');
        const { executorIsLive, readExecutorHealth } = await import('@/lib/executor/health-file');
        const health = readExecutorHealth(config().executor.healthFile);
        const live = executorIsLive(health);
        console.log(JSON.stringify({ live, health }));
        process.exit(live ? 0 : 1);
      }
      const { runExecutorProcess } = await import('@/lib/executor/run-executor-process');
      await runExecutorProcess();
      process.exit(0);
    });
}
