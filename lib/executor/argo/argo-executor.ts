import { and, asc, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import { runs, runSteps, type Run } from '@/db/schema';
import { getDb } from '@/lib/db';
import { claimNextRun, executorOwner } from '../claim-run';
import type { Executor } from '../executor';
import type { ExecutorHeartbeat } from '../health-file';
import { actOnWorkflow, ArgoError, getWorkflow, listWorkflows, type ArgoConnection, type ArgoWorkflowStatus } from './argo-client';
import { parseWorkflowRef, RUN_LABEL, submitToArgo, workflowRef } from './submit-to-argo';
import { syncArgoRun } from './sync-argo-run';

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
        await this.tick().catch((err) => console.error('[argo] tick:', err instanceof Error ? err.message : err));
      } while (this.again);
    })().finally(() => (this.running = null));
    return this.running;
  }

  async tick(): Promise<void> {
    const db = getDb();
    // runs this executor claimed whose submission got no answer (a timeout, the Argo Server down):
    // again, idempotently (another executor's take over once their lease lapsed, through the claim)
    const unsubmitted = await db.select({ id: runs.id }).from(runs).where(and(eq(runs.executor, 'argo'), eq(runs.status, 'running'), isNull(runs.externalId), eq(runs.claimedBy, this.owner)));
    for (const r of unsubmitted) await this.submit(r.id);
    // queued runs: claim (a short transaction of its own), then submit outside it
    for (;;) {
      if (this.stopping) break;
      const id = await claimNextRun(db, { executor: this.kind, owner: this.owner, leaseS: this.opts.leaseS });
      if (!id) break;
      await this.submit(id);
    }

    const active = await db.select({ id: runs.id, externalId: runs.externalId }).from(runs).where(and(eq(runs.executor, 'argo'), eq(runs.status, 'running'), isNotNull(runs.externalId))).orderBy(asc(runs.startedAt));
    this.opts.onHeartbeat?.({ kind: this.kind, owner: this.owner, state: this.stopping ? 'stopping' : 'running', runs: active.map((r) => r.id) });
    if (!active.length) return;
    const listed = new Map((await listWorkflows({ ...this.conn, labelSelector: IN_PROGRESS_SELECTOR })).map((w) => [w.name, w]));
    for (const r of active) {
      const ref = parseWorkflowRef(r.externalId);
      if (!ref) continue;
      try {
        let wf: ArgoWorkflowStatus | { gone: string } | undefined = listed.get(ref.name);
        // not in the list: finished since the last tick, or gone; a list without nodes (offloaded): GET it
        if (!wf || wf.nodesOffloaded) wf = await getWorkflow({ ...this.conn, namespace: ref.namespace, name: ref.name }).catch((err: unknown) => {
          if (err instanceof ArgoError && err.status === 404) return { gone: ref.name };
          throw err;
        });
        await syncArgoRun(db, r.id, wf);
      } catch (err) {
        console.error(`[argo] run ${r.id}:`, err instanceof Error ? err.message : err);
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
      if (transient) return void console.error(`[argo] run ${runId}: submission will be tried again: ${message}`);
      await getDb().update(runs).set({ status: 'failed', error: `submit to Argo: ${message}`, finishedAt: new Date(), claimedBy: null, leaseExpiresAt: null }).where(and(eq(runs.id, runId), eq(runs.status, 'running')));
    }
  }

  /**
   * Cancels a run: a queued one at once; a submitted one by stopping its workflow (no new step starts,
   * running ones finish — or, with `force`, terminating it: its pods are killed now). The run becomes
   * `cancelled` when the workflow has ended (the next ticks), with the reason.
   */
  async cancel(runId: string, opts: { force?: boolean; reason?: string } = {}): Promise<Run> {
    const db = getDb();
    const [queued] = await db.update(runs).set({ status: 'cancelled', error: `cancelled: ${opts.reason ?? 'before it started'}`, finishedAt: new Date() }).where(and(eq(runs.id, runId), eq(runs.executor, 'argo'), eq(runs.status, 'queued'))).returning();
    if (queued) return queued;
    const run = await this.argoRun(runId, ['running']);
    const ref = parseWorkflowRef(run.externalId);
    if (!ref) {
      const [row] = await db.update(runs).set({ status: 'cancelled', error: `cancelled: ${opts.reason ?? 'before its workflow was submitted'}`, finishedAt: new Date() }).where(and(eq(runs.id, runId), eq(runs.status, 'running'), isNull(runs.externalId))).returning();
      return row ?? this.argoRun(runId);
    }
    await actOnWorkflow({ ...this.conn, namespace: ref.namespace, name: ref.name, action: opts.force ? 'terminate' : 'stop', ...(opts.reason ? { message: opts.reason } : {}) });
    this.kick();
    return run;
  }

  /**
   * Runs a failed or cancelled run again. `retry` reruns its workflow from the failed steps (the
   * succeeded ones keep their outputs); `resubmit` runs the whole pipeline again as a new workflow.
   * When the workflow is gone from Argo, both submit the run again from its record.
   */
  async retry(runId: string, opts: { mode?: 'retry' | 'resubmit' } = {}): Promise<Run> {
    const db = getDb();
    const run = await this.argoRun(runId, ['failed', 'cancelled']);
    const ref = parseWorkflowRef(run.externalId);
    let externalId: string | null = run.externalId;
    if (ref) {
      try {
        const done = await actOnWorkflow({ ...this.conn, namespace: ref.namespace, name: ref.name, action: opts.mode ?? 'retry' });
        externalId = workflowRef(ref.namespace, done.name);
      } catch (err) {
        if (!(err instanceof ArgoError && err.status === 404)) throw err;
        externalId = null;
      }
    }
    // steps that did not succeed run again (a resubmitted or new workflow runs them all)
    const again = opts.mode === 'resubmit' || externalId === null ? undefined : (['failed', 'skipped', 'cancelled'] as const);
    await db
      .update(runSteps)
      .set({ status: 'pending', error: null, detail: null, finishedAt: null, ...(again ? {} : { outputs: [], startedAt: null }) })
      .where(again ? and(eq(runSteps.runId, runId), inArray(runSteps.status, [...again])) : eq(runSteps.runId, runId));
    // with a workflow: followed from here (no lease); without one: queued, so the claim submits it again
    const [row] = await db
      .update(runs)
      .set(externalId ? { status: 'running', error: null, finishedAt: null, externalId, claimedBy: null, leaseExpiresAt: null } : { status: 'queued', error: null, finishedAt: null, externalId: null, claimedBy: null, leaseExpiresAt: null })
      .where(eq(runs.id, runId))
      .returning();
    this.kick();
    return row;
  }

  private async argoRun(runId: string, statuses?: Run['status'][]): Promise<Run> {
    const [run] = await getDb().select().from(runs).where(eq(runs.id, runId));
    if (run?.executor !== 'argo') throw new Error(`run ${runId}: not an Argo run`);
    if (statuses && !statuses.includes(run.status)) throw new Error(`run ${runId} is ${run.status}: expected ${statuses.join(' or ')}`);
    return run;
  }
}
