import { startAuditCheckpointer } from '../audit/audit-checkpointer';
import { startWebhookDeliverer } from '../webhooks/deliver-webhooks';
import { config } from '../config';
import { closeDb, getDb } from '../db';
import { AppError } from '../errors';
import { createExecutor } from './create-executor';
import { setProcessExecutor } from './executor';
import { writeExecutorHealth, type TExecutorHealth } from './health-file';
import { logger } from '../log/logger';

const log = logger('executor');

/**
 * `segflow executor`: this deployment's executor as a process of its own, with its own database pool
 * (DATABASE_POOL_MAX), apart from the app's request handling. Liveness goes to the health file after
 * every poll and heartbeat. On SIGTERM or SIGINT it stops taking runs; the step in hand may finish
 * within SEGFLOW_EXECUTOR_SHUTDOWN_TIMEOUT_S (its run is then handed back before its next step), else
 * the step's process group is killed and the step handed back, its attempt not counted; then it
 * closes its pool and exits 0. Resolves when it has stopped.
 */
export async function runExecutorProcess(): Promise<void> {
  const cfg = config();
  if (!cfg.executor.takesRuns)
    throw new AppError('invalid_input', 'SEGFLOW_EXECUTOR=none: an executor process that takes no runs would do nothing (unset it, or set local or argo)');
  const startedAt = new Date().toISOString();
  let last: TExecutorHealth | null = null;
  const write = (h: Omit<TExecutorHealth, 'pid' | 'startedAt' | 'lastTickAt' | 'pollMs'>) => {
    last = { pid: process.pid, startedAt, lastTickAt: new Date().toISOString(), pollMs: cfg.executor.pollMs, ...h };
    try {
      writeExecutorHealth(cfg.executor.healthFile, last);
    } catch (err) {
      log.error({ err }, 'could not write the health file');
    }
  };
  const executor = createExecutor(cfg, { onHeartbeat: write });
  setProcessExecutor(executor);

  const stopped = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  await executor.start();
  const checkpointer = startAuditCheckpointer(getDb);
  // the project webhooks' outbox is delivered here (every deployment runs an executor process)
  const deliverer = startWebhookDeliverer(getDb);
  log.info({ kind: executor.kind, owner: executor.owner, pollMs: cfg.executor.pollMs }, 'taking runs');

  const signal = await stopped;
  const timeoutS = cfg.executor.shutdownTimeoutS;
  log.info({ signal, timeoutS }, 'taking no more runs; the running step may finish within the timeout, else it is handed back');
  write({ kind: executor.kind, owner: executor.owner, state: 'stopping', runs: (last as TExecutorHealth | null)?.runs ?? [] });
  await executor.stop({ timeoutMs: timeoutS * 1000 });
  write({ kind: executor.kind, owner: executor.owner, state: 'stopped', runs: [] });
  setProcessExecutor(null);
  await checkpointer.stop();
  await deliverer.stop();
  await closeDb();
  log.info('stopped');
}
