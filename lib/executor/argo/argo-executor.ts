import { and, asc, eq, inArray, isNotNull } from 'drizzle-orm';
import { runs, runSteps, type Run } from '@/db/schema';
import { config, type Config } from '@/lib/config';
import { getDb, type DbOrTx } from '@/lib/db';
import { STEPS } from '@/lib/pipeline/steps';
import type { TStepInvocation } from '@/lib/pipeline/step-contract';
import { finishRun, writeSucceededManifest } from '@/lib/runs/finish-run';
import { claimNextRun, executorOwner } from '../claim-run';
import type { Executor } from '../executor';
import type { ExecutorHeartbeat } from '../health-file';
import { buildInvocation, loadRunContext, recordStepResult } from '../run-context';
import { getWorkflow, submitWorkflow, type ArgoConnection, type ArgoTaskStatus } from './argo-client';
import { argoWorkflowParameters, deidSecretName, labelValue, WORKFLOW_TEMPLATE_NAME } from './render-workflow-template';

/** ARGO_SERVER, ARGO_TOKEN and ARGO_NAMESPACE (default `segflow`), or null when Argo is not configured. */
export function argoConnection(cfg: Config = config()): ArgoConnection | null {
  if (!cfg.argo) return null;
  return { server: cfg.argo.server, token: cfg.argo.token ?? '', namespace: cfg.argo.namespace };
}

const WORKFLOW_REF = /^argo:([^/]+)\/(.+)$/;

/**
 * Submits a queued run to Argo: every worker task's invocation is prepared here (inputs, model,
 * parameters; upstream outputs are filled in by the steps from their upstream tasks' results), the
 * project's de-identification secret stays in Kubernetes (the workflow names the Secret, never its
 * value), and the workflow is labelled with the run and project ids.
 */
export async function submitToArgo(db: DbOrTx, runId: string, conn: ArgoConnection, claim: { owner?: string } = {}): Promise<Run> {
  const c = await loadRunContext(db, runId);
  // queued, or claimed for submission by this executor (claimNextRun) and not submitted yet
  const claimedHere = c.run.status === 'running' && claim.owner !== undefined && c.run.claimedBy === claim.owner && !c.run.externalId;
  if (c.run.status !== 'queued' && !claimedHere) throw new Error(`run ${runId} is ${c.run.status}, not queued: it is not submitted again`);
  const invocations: Record<string, TStepInvocation> = {};
  for (const t of c.tasks) if (STEPS[t.step].runsOn === 'worker') invocations[t.id] = buildInvocation(c, t, {});
  const parameters = argoWorkflowParameters({ invocations, deidSecretName: deidSecretName(c.run.projectId) });
  const wf = await submitWorkflow({
    ...conn,
    templateName: WORKFLOW_TEMPLATE_NAME,
    parameters,
    labels: { 'segflow.io/run': labelValue(c.run.id), 'segflow.io/project': labelValue(c.run.projectId) },
    generateName: 'segflow-run-',
  });
  await db.insert(runSteps).values(c.tasks.map((t) => ({ runId, name: t.id }))).onConflictDoNothing();
  const [row] = await db
    .update(runs)
    .set({ status: 'running', startedAt: c.run.startedAt ?? new Date(), externalId: `argo:${wf.namespace}/${wf.name}`, claimedBy: null, leaseExpiresAt: null })
    .where(eq(runs.id, runId))
    .returning();
  return row;
}

const STEP_STATUS: Record<ArgoTaskStatus['phase'], 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped'> = {
  Pending: 'running',
  Running: 'running',
  Succeeded: 'succeeded',
  Failed: 'failed',
  Error: 'failed',
  Skipped: 'skipped',
  Omitted: 'skipped',
};

/**
 * Brings a running Argo run's record up to date from its workflow: each task's status, attempts,
 * timings and outputs (recorded once, when it first succeeds); when the workflow has succeeded the
 * platform writes the signed manifest and the run is done; when it failed, the first failed task
 * names the error and a failure manifest is written.
 */
export async function syncArgoRun(db: DbOrTx, runId: string, conn: ArgoConnection): Promise<Run> {
  const c = await loadRunContext(db, runId);
  const ref = WORKFLOW_REF.exec(c.run.externalId ?? '');
  if (!ref) throw new Error(`run ${runId} has no Argo workflow (external id ${c.run.externalId ?? 'none'})`);
  const wf = await getWorkflow({ ...conn, namespace: ref[1], name: ref[2] });
  const recorded = new Map((await db.select().from(runSteps).where(eq(runSteps.runId, runId))).map((s) => [s.name, s]));
  for (const t of wf.tasks) {
    const task = c.tasks.find((x) => x.id === t.task);
    const row = recorded.get(t.task);
    if (!task || !row || row.status === 'succeeded') continue;
    const status = STEP_STATUS[t.phase];
    if (status === 'succeeded' && t.result) await recordStepResult(db, c, task, t.result);
    await db
      .update(runSteps)
      .set({
        status,
        attempts: t.attempts,
        startedAt: t.startedAt ? new Date(t.startedAt) : null,
        finishedAt: t.finishedAt ? new Date(t.finishedAt) : null,
        outputs: t.result?.outputs ?? [],
        error: status === 'failed' ? (t.message ?? 'failed') : null,
      })
      .where(eq(runSteps.id, row.id));
  }
  if (wf.phase === 'Succeeded') {
    const [manifestRow] = await db.select().from(runSteps).where(and(eq(runSteps.runId, runId), eq(runSteps.name, 'manifest')));
    await db.update(runSteps).set({ status: 'running', attempts: manifestRow.attempts + 1, startedAt: new Date() }).where(eq(runSteps.id, manifestRow.id));
    try {
      await writeSucceededManifest(db, c);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await db.update(runSteps).set({ status: 'failed', finishedAt: new Date(), error: message }).where(eq(runSteps.id, manifestRow.id));
      return finishRun(db, c, { status: 'failed', error: `manifest: ${message}`, failedTask: 'manifest' });
    }
    await db.update(runSteps).set({ status: 'succeeded', finishedAt: new Date() }).where(eq(runSteps.id, manifestRow.id));
    return finishRun(db, c, { status: 'succeeded' });
  }
  if (wf.phase === 'Failed' || wf.phase === 'Error') {
    await db.update(runSteps).set({ status: 'skipped' }).where(and(eq(runSteps.runId, runId), inArray(runSteps.status, ['pending', 'running'])));
    const failed = wf.tasks.find((t) => t.phase === 'Failed' || t.phase === 'Error');
    const error = failed ? `${failed.task}: ${failed.message ?? 'failed'}` : `workflow ${wf.name}: ${wf.message ?? wf.phase}`;
    return finishRun(db, c, { status: 'failed', error, failedTask: failed?.task ?? 'workflow' });
  }
  const [row] = await db.select().from(runs).where(eq(runs.id, runId));
  return row;
}

/**
 * The production executor (Executor, lib/executor/executor.ts): submits queued Argo runs and follows
 * running ones until they finish. Argo does the scheduling, retries and GPU placement; this only
 * mirrors state into PostgreSQL and writes manifests. A queued run is taken with the shared claim
 * (claimNextRun: FOR UPDATE SKIP LOCKED, with a lease), so several executor processes may run it; a
 * submitted run's lease is dropped (its workflow is followed by whichever executor ticks).
 */
export class ArgoExecutor implements Executor {
  readonly kind = 'argo' as const;
  readonly owner = executorOwner('argo');
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private stopping = false;

  constructor(
    private readonly conn: ArgoConnection,
    private readonly opts: { pollMs: number; leaseS: number; onHeartbeat?: (beat: ExecutorHeartbeat) => void },
  ) {}

  async start(): Promise<void> {
    if (this.timer || this.stopping) return;
    this.timer = setInterval(() => this.kick(), this.opts.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Argo keeps running the workflows: stopping only ends this loop (after its tick). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
  }

  kick(): void {
    if (this.ticking || this.stopping) return;
    this.ticking = this.tick()
      .catch((err) => console.error('[argo] tick failed:', err instanceof Error ? err.message : err))
      .finally(() => (this.ticking = null));
  }

  async tick(): Promise<void> {
    const db = getDb();
    for (;;) {
      if (this.stopping) return;
      const id = await claimNextRun(db, { executor: this.kind, owner: this.owner, leaseS: this.opts.leaseS });
      if (!id) break;
      await submitToArgo(db, id, this.conn, { owner: this.owner }).catch(async (err) => {
        await db.update(runs).set({ status: 'failed', error: `submit to Argo: ${err instanceof Error ? err.message : String(err)}`, finishedAt: new Date(), claimedBy: null, leaseExpiresAt: null }).where(eq(runs.id, id));
      });
    }
    const running = await db
      .select({ id: runs.id })
      .from(runs)
      .where(and(eq(runs.executor, 'argo'), eq(runs.status, 'running'), isNotNull(runs.externalId)))
      .orderBy(asc(runs.startedAt));
    for (const r of running) await syncArgoRun(db, r.id, this.conn).catch((err) => console.error(`[argo] run ${r.id}:`, err instanceof Error ? err.message : err));
    this.opts.onHeartbeat?.({ kind: this.kind, owner: this.owner, state: this.stopping ? 'stopping' : 'running', runs: running.map((r) => r.id) });
  }
}
