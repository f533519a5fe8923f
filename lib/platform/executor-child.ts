import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { logger } from '../log/logger';

const log = logger('platform');

/** Sends `signal` and waits for the exit; SIGKILL after `graceMs` (never leave a child orphaned). */
export async function stopChild(child: ChildProcess, graceMs: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * The executor of `segflow start`: `segflow executor` as a child process of the launcher (its own
 * process, its own database pool; not inside Next), restarted with backoff if it dies. stop() sends
 * SIGTERM and gives it its shutdown timeout (to finish or hand back the running step) plus a margin.
 */
export function startExecutorChild(p: { root: string; env: NodeJS.ProcessEnv; shutdownTimeoutS: number }): { holdRestarts(): void; stop(): Promise<void> } {
  let child: ChildProcess | null = null;
  let stopping = false;
  let failures = 0;
  let restartTimer: NodeJS.Timeout | null = null;
  const launch = () => {
    const startedAt = Date.now();
    child = spawn(process.execPath, [join(p.root, 'bin', 'segflow.mjs'), 'executor'], { stdio: 'inherit', env: p.env });
    child.on('exit', (code, signal) => {
      if (stopping) return;
      failures = Date.now() - startedAt > 60_000 ? 1 : failures + 1;
      const delay = Math.min(30_000, 1000 * 2 ** (failures - 1));
      log.error({ signal, code, restartInS: delay / 1000 }, 'the executor exited; restarting it');
      restartTimer = setTimeout(launch, delay);
    });
  };
  launch();
  const holdRestarts = () => {
    stopping = true;
    if (restartTimer) clearTimeout(restartTimer);
  };
  return {
    /** the platform is shutting down: an exit from now on (Ctrl-C reaches the executor too) is not restarted */
    holdRestarts,
    async stop() {
      holdRestarts();
      if (child) await stopChild(child, (p.shutdownTimeoutS + 15) * 1000);
    },
  };
}
