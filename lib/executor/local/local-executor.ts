import { getDb } from '@/lib/db';
import { claimNextRun, executorOwner, renewLeases } from '../claim-run';
import type { Executor } from '../executor';
import type { ExecutorHeartbeat } from '../health-file';
import { closeSharedStepWorkers } from './step-worker-pool';
import { executeRun, type AbortReason, type ExecuteOptions } from './execute-run';
import { logger } from '../../log/logger';

const log = logger('executor');

export interface LocalExecutorOptions {
  pollMs: number;
  leaseS: number;
  /** called after every poll and heartbeat that reached the database (the health file) */
  onHeartbeat?: (beat: ExecutorHeartbeat) => void;
  /** tests: how a worker step runs (default: a child process) */
  runWorkerStep?: ExecuteOptions['runWorkerStep'];
}

/**
 * The one-machine executor: takes this deployment's queued local runs one at a time (oldest first;
 * two cores: runs would only fight over them) and runs each through executeRun, its steps as child
 * processes. Runs are claimed with claimNextRun (FOR UPDATE SKIP LOCKED, with a lease), so any
 * number of executor processes can share a database; the heartbeat renews the lease of the run in
 * hand every leaseS/3, and a run whose executor died is taken back by the next one to poll once its
 * lease lapsed. kick() looks for work at once; the poll catches runs submitted by other processes.
 */
export class LocalExecutor implements Executor {
  readonly kind = 'local' as const;
  readonly owner = executorOwner('local');
  private pollTimer: NodeJS.Timeout | null = null;
  private beatTimer: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;
  private again = false;
  private stopping = false;
  /** the run in hand, with what aborts its running step */
  private current: { runId: string; controller: AbortController } | null = null;

  constructor(private readonly opts: LocalExecutorOptions) {}

  async start(): Promise<void> {
    if (this.pollTimer || this.stopping) return;
    this.pollTimer = setInterval(() => this.kick(), this.opts.pollMs);
    this.beatTimer = setInterval(() => void this.heartbeat(), Math.max(1000, (this.opts.leaseS * 1000) / 3));
    this.pollTimer.unref();
    this.beatTimer.unref();
    this.kick();
  }

  async stop(opts: { timeoutMs?: number } = {}): Promise<void> {
    this.stopping = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    // the running step may finish; after the timeout it is killed and handed back
    const timer = setTimeout(() => this.current?.controller.abort({ kind: 'shutdown' } satisfies AbortReason), opts.timeoutMs ?? 0);
    try {
      await this.draining;
    } finally {
      clearTimeout(timer);
      if (this.beatTimer) clearInterval(this.beatTimer);
      this.beatTimer = null;
      closeSharedStepWorkers();
    }
  }

  kick(): void {
    if (this.stopping) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = (async () => {
      do {
        this.again = false;
        for (let id = await this.claim(); id; id = await this.claim()) await this.execute(id);
      } while (this.again && !this.stopping);
    })()
      .catch((err) => log.error({ err }, 'poll failed'))
      .finally(() => (this.draining = null));
  }

  private async claim(): Promise<string | null> {
    if (this.stopping) return null;
    const id = await claimNextRun(getDb(), { executor: this.kind, owner: this.owner, leaseS: this.opts.leaseS });
    this.beat();
    return id;
  }

  private async execute(runId: string): Promise<void> {
    const controller = new AbortController();
    this.current = { runId, controller };
    this.beat();
    try {
      await executeRun(runId, {
        owner: this.owner,
        signal: controller.signal,
        handBackBeforeNextTask: () => this.stopping,
        runWorkerStep: this.opts.runWorkerStep,
      });
    } catch (err) {
      log.error({ err, run: runId }, 'run failed in the executor');
    } finally {
      this.current = null;
      this.beat();
    }
  }

  private async heartbeat(): Promise<void> {
    const current = this.current;
    try {
      if (current) {
        const held = await renewLeases(getDb(), { owner: this.owner, runIds: [current.runId], leaseS: this.opts.leaseS });
        // taken back while this process was stalled (or ended by someone else): stop, write nothing
        if (!held.has(current.runId)) current.controller.abort({ kind: 'lease-lost' } satisfies AbortReason);
      }
      this.beat();
    } catch (err) {
      log.error({ err }, 'heartbeat failed');
    }
  }

  private beat(): void {
    this.opts.onHeartbeat?.({
      kind: this.kind,
      owner: this.owner,
      state: this.stopping ? 'stopping' : 'running',
      runs: this.current ? [this.current.runId] : [],
    });
  }
}
