import { and, asc, eq, isNotNull, isNull } from 'drizzle-orm';
import { runs, type Run } from '@/db/schema';
import { getDb } from '@/lib/db';
import { claimNextRun, executorOwner } from '../claim-run';
import type { Executor } from '../executor';
import type { ExecutorHeartbeat } from '../health-file';
import { ArgoError, getWorkflow, listWorkflows, type ArgoConnection, type ArgoWorkflowStatus } from './argo-client';
import { cancelArgoRun, retryArgoRun } from './control-argo-run';
import { parseWorkflowRef, RUN_LABEL, submitToArgo } from './submit-to-argo';
import { saveArgoTaskLogs } from './argo-step-logs';
import { syncArgoRun } from './sync-argo-run';
import { logger } from '../../log/logger';

const log = logger('argo');

export { argoConnection } from './argo-connection';
export { submitToArgo } from './submit-to-argo';
export { syncArgoRun } from './sync-argo-run';

/** the workflows a tick lists: segflow's, not yet completed (a completed one leaves the list and is read once by name) */
export const IN_PROGRESS_SELECTOR = `${RUN_LABEL},workflows.argoproj.io/completed!=true`;

/**
 * The production executor (Executor, lib/executor/executor.ts): submits queued Argo runs and mirrors
 * their workflows into PostgreSQL until they finish. Argo does the scheduling, retries and GPU
 * placement; this claims runs with the shared claim (claimNextRun: FOR UPDATE SKIP LOCKED, with a
 * lease, so several executors never take the same run), submits each outside the claim's transaction
 * under a name taken from the run (a second submission adopts the first; the lease is dropped once
 * the workflow is recorded), reads every in-progress workflow with ONE list call per tick, reads by
 * name only the few that left that list (finished, or gone), and writes manifests. Run control for
 * the run pages: cancel, retry, resubmit.
 */
export class ArgoExecutor implements Executor {
  readonly kind = 'argo' as const;
  readonly owner = executorOwner('argo');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopping = false;

  constructor(
    private readonly conn: ArgoConnection,
    private readonly opts: { pollMs: number; leaseS: number; onHeartbeat?: (beat: ExecutorHeartbeat) => void } = { pollMs: 5000, leaseS: 60 },
  ) {}

  async start(): Promise<void> {
    if (this.timer || this.stopping) return;
    this.timer = setInterval(() => this.kick(), this.opts.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** stops polling and waits for the tick in progress (Argo keeps running the workflows; all state is in the database and Argo) */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  kick(): void {
    void this.tickNow();
  }

  /** one tick now (or right after the one in progress); resolves when no tick is left to do */
  tickNow(): Promise<void> {
    if (this.stopping) return this.running ?? Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.tick().catch((err) => log.error({ err }, 'tick failed'));
      } while (this.again);
    })().finally(() => (this.running = null));
    return this.running;
  }

  async tick(): Promise<void> {
    const db = getDb();
    // runs this executor claimed whose submission got no answer (a timeout, the Argo Server down):
    // again, idempotently (another executor's take over once their lease lapsed, through the claim)
    const unsubmitted = await db
      .select({ id: runs.id })
      .from(runs)
      .where(and(eq(runs.executor, 'argo'), eq(runs.status, 'running'), isNull(runs.externalId), eq(runs.claimedBy, this.owner)));
    for (const r of unsubmitted) await this.submit(r.id);
    // queued runs: claim (a short transaction of its own), then submit outside it
    for (;;) {
      if (this.stopping) break;
      const id = await claimNextRun(db, { executor: this.kind, owner: this.owner, leaseS: this.opts.leaseS });
      if (!id) break;
      await this.submit(id);
    }

    const active = await db
      .select({ id: runs.id, externalId: runs.externalId })
      .from(runs)
      .where(and(eq(runs.executor, 'argo'), eq(runs.status, 'running'), isNotNull(runs.externalId)))
      .orderBy(asc(runs.startedAt));
    this.opts.onHeartbeat?.({ kind: this.kind, owner: this.owner, state: this.stopping ? 'stopping' : 'running', runs: active.map((r) => r.id) });
    if (!active.length) return;
    const listed = new Map((await listWorkflows({ ...this.conn, labelSelector: IN_PROGRESS_SELECTOR })).map((w) => [w.name, w]));
    for (const r of active) {
      const ref = parseWorkflowRef(r.externalId);
      if (!ref) continue;
      try {
        let wf: ArgoWorkflowStatus | { gone: string } | undefined = listed.get(ref.name);
        // not in the list: finished since the last tick, or gone; a list without nodes (offloaded): GET it
        if (!wf || wf.nodesOffloaded)
          wf = await getWorkflow({ ...this.conn, namespace: ref.namespace, name: ref.name }).catch((err: unknown) => {
            if (err instanceof ArgoError && err.status === 404) return { gone: ref.name };
            throw err;
          });
        const conn = { ...this.conn, namespace: ref.namespace };
        await syncArgoRun(db, r.id, wf, {
          saveLogs: (run, task) =>
            saveArgoTaskLogs(conn, { run, workflow: ref.name, task }).catch((err: unknown) =>
              log.error({ err, run: run.id, task: task.task }, 'saving step logs failed'),
            ),
        });
      } catch (err) {
        log.error({ err, run: r.id }, 'run sync failed');
      }
    }
  }

  private async submit(runId: string): Promise<void> {
    try {
      await submitToArgo(getDb(), runId, this.conn, { owner: this.owner });
    } catch (err) {
      // no answer (it may have been created: the next tick's submission adopts it), or Argo / the token
      // not working right now: the run waits; anything else (a template that does not exist, a request
      // Argo refuses) fails the run, saying why
      const transient = err instanceof ArgoError && (err.status === 0 || err.status === 401 || err.status === 403 || err.status === 429 || err.status >= 500);
      const message = err instanceof Error ? err.message : String(err);
      if (transient) return void log.warn({ err, run: runId }, 'submission will be tried again');
      await getDb()
        .update(runs)
        .set({ status: 'failed', error: `submit to Argo: ${message}`, finishedAt: new Date(), claimedBy: null, leaseExpiresAt: null })
        .where(and(eq(runs.id, runId), eq(runs.status, 'running')));
    }
  }

  /** Cancels a run (cancelArgoRun, control-argo-run.ts) and looks at its workflow at once. */
  async cancel(runId: string, opts: { force?: boolean; reason?: string } = {}): Promise<Run> {
    const run = await cancelArgoRun(getDb(), this.conn, runId, opts);
    this.kick();
    return run;
  }

  /** Runs a failed or cancelled run again (retryArgoRun, control-argo-run.ts) and follows it at once. */
  async retry(runId: string, opts: { mode?: 'retry' | 'resubmit' } = {}): Promise<Run> {
    const run = await retryArgoRun(getDb(), this.conn, runId, opts);
    this.kick();
    return run;
  }
}
