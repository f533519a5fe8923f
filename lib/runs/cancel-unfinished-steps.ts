import { and, eq, inArray } from 'drizzle-orm';
import { runSteps, type Run } from '@/db/schema';
import { parseRunParams } from '@/db/schema/run-json';
import type { DbOrTx } from '../db';
import { planRun } from '../pipeline/definition';

/**
 * A cancelled run's steps that had not finished are recorded as cancelled — the pending and running
 * ones, and the ones not recorded at all yet (a run cancelled while queued has no step rows: the
 * executor adds them when it starts), so the run page shows every unfinished step as cancelled
 * whether the run was cancelled before or during its execution. A retry sets them pending again.
 */
export async function cancelUnfinishedSteps(db: DbOrTx, run: Run): Promise<void> {
  const finishedAt = new Date();
  const tasks = planRun({ shadow: Boolean(parseRunParams(run).shadow) });
  await db
    .insert(runSteps)
    .values(tasks.map((t) => ({ runId: run.id, name: t.id, status: 'cancelled' as const, finishedAt })))
    .onConflictDoNothing();
  await db
    .update(runSteps)
    .set({ status: 'cancelled', finishedAt })
    .where(and(eq(runSteps.runId, run.id), inArray(runSteps.status, ['pending', 'running'])));
}
