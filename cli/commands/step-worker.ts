/**
 * `segflow step-worker`: a warm step worker of the local executor (workers/step-worker.ts), started by
 * it with an IPC channel; it runs the steps sent to it one at a time. Not for people to run.
 */
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('step-worker', { hidden: true })
    .description('serve pipeline steps to the local executor over IPC (started by it)')
    .action(async () => {
      const { serveSteps } = await import('@/workers/step-worker');
      serveSteps();
    });
}
