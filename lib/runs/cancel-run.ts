import { and, eq, inArray } from 'drizzle-orm';
import { runs, type Run } from '@/db/schema';
import { argoConnection } from '@/lib/executor/argo/argo-connection';
import { cancelArgoRun } from '@/lib/executor/argo/control-argo-run';
import { kickAfterResponse } from '@/lib/executor/after-submit';
import { interruptCancelledRun } from '@/lib/executor/local/running-runs';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import { cancelUnfinishedSteps } from './cancel-unfinished-steps';

/**
 * Cancels a queued or running run of a project, saying why (the guard audits the reason).
 * Local runs: marked cancelled here, at once; the executor executing it kills the running step's
 * process group (at once in this process, else at its next status poll), starts nothing more and
 * writes no manifest. Argo runs: queued ones at once, submitted ones by stopping their workflow (the
 * running step finishes) — or terminating it with `force` (its pods are killed); cancelled once the
 * executor sees the workflow end. Cancelling a cancelled run again changes nothing.
 */
export async function cancelRun(
  db: DbOrTx,
  p: {
    runId: string;
    projectId: string;
    reason: string;
    force?: boolean;
    /** a caller without run:manage (a researcher): only a run this user submitted, and only while it is queued */
    ownQueuedOnly?: { userId: string };
  },
): Promise<Run> {
  const [run] = await db
    .select()
    .from(runs)
    .where(and(eq(runs.id, p.runId), eq(runs.projectId, p.projectId)));
  if (!run) throw new AppError('not_found', `run ${p.runId} not found`);
  if (run.status === 'cancelled') return run;
  if (p.ownQueuedOnly) {
    if (run.submittedBy !== p.ownQueuedOnly.userId)
      throw new AppError('forbidden', `run ${p.runId} was submitted by someone else: you may cancel only your own queued runs (an operator can cancel any)`);
    if (run.status !== 'queued')
      throw new AppError(
        'forbidden',
        `run ${p.runId} is ${run.status}: you may cancel your own runs only while they are queued (an operator can stop a running one)`,
      );
  }
  if (run.status !== 'queued' && run.status !== 'running')
    throw new AppError('conflict', `run ${p.runId} has ${run.status}: only a queued or running run can be cancelled`);

  if (run.executor === 'argo') {
    const conn = argoConnection();
    if (!conn) throw new AppError('unavailable', `run ${p.runId} runs on Argo, and this server has no ARGO_SERVER configured to stop it`);
    const row = await cancelArgoRun(db, conn, run.id, { reason: p.reason, force: p.force });
    kickAfterResponse();
    return row;
  }

  const [row] = await db
    .update(runs)
    .set({ status: 'cancelled', error: `cancelled: ${p.reason}`, finishedAt: new Date(), claimedBy: null, leaseExpiresAt: null })
    // a researcher's cancel holds only while the run is still queued (an executor may take it meanwhile)
    .where(and(eq(runs.id, run.id), inArray(runs.status, p.ownQueuedOnly ? ['queued'] : ['queued', 'running'])))
    .returning();
  if (!row) return cancelRun(db, p); // it finished meanwhile: say so
  await cancelUnfinishedSteps(db, row);
  interruptCancelledRun(run.id);
  return row;
}
