import { and, eq, sql } from 'drizzle-orm';
import { runs, runSteps, type Run } from '@/db/schema';
import type { DbOrTx } from '@/lib/db';
import type { TObjectRef } from '@/db/schema/run-json';
import { afterRunFinished } from '@/lib/rollout/after-run';
import { emitWebhookEvent } from '@/lib/webhooks/emit-webhook-event';
import { writeRunManifest } from './write-run-manifest';
import { logger } from '../log/logger';

const log = logger('runs');

/** what finishing needs of a run an executor holds (its RunContext has it) */
export interface FinishingRun {
  run: Run;
  inputs: TObjectRef[];
}

/** The platform's `manifest` task: the signed manifest of a run whose worker steps all succeeded. */
export async function writeSucceededManifest(db: DbOrTx, c: FinishingRun): Promise<{ key: string; sha256: string }> {
  const written = await writeRunManifest(db, { run: c.run, inputs: c.inputs, status: 'succeeded', skipTask: 'manifest' });
  await db
    .update(runs)
    .set({ manifestKey: written.key, manifestSha256: written.sha256 })
    .where(and(eq(runs.id, c.run.id), eq(runs.attempt, c.run.attempt)));
  return written;
}

/**
 * The end of a run's lifecycle, for both executors: marks it finished and releases its claim. A
 * failed run gets its provenance record too — what ran, how often, what it wrote, why it stopped —
 * unless the manifest itself is what failed. Then rollout reacts (canary gates). A run that is no
 * longer running (finished by another executor, or cancelled) is left as it is, once.
 */
export async function finishRun(
  db: DbOrTx,
  c: FinishingRun,
  outcome: { status: 'succeeded' } | { status: 'failed'; error: string; failedTask: string },
): Promise<Run> {
  let row = await db.transaction(async (tx) => {
    const [finished] = await tx
      .update(runs)
      .set({ status: outcome.status, error: outcome.status === 'failed' ? outcome.error : null, finishedAt: new Date(), claimedBy: null, leaseExpiresAt: null })
      // only a running run, at the attempt this executor ran, finishes: another executor that synced the
      // same workflow, a cancel, or a cancel and retry (the next attempt is another execution's) got there first
      .where(and(eq(runs.id, c.run.id), eq(runs.status, 'running'), eq(runs.attempt, c.run.attempt)))
      .returning();
    if (finished) {
      // the project's webhooks learn of it in the same transaction (the outbox)
      await emitWebhookEvent(tx, {
        projectIds: [finished.projectId],
        event: outcome.status === 'failed' ? 'run.failed' : 'run.succeeded',
        data: {
          run: {
            id: finished.id,
            runKey: finished.runKey,
            attempt: finished.attempt,
            status: finished.status,
            model: finished.params.model,
            study: finished.studyId,
          },
          ...(outcome.status === 'failed' ? { failedTask: outcome.failedTask, error: outcome.error } : { warnings: finished.warnings }),
        },
      });
    }
    return finished;
  });
  if (!row) {
    const [current] = await db.select().from(runs).where(eq(runs.id, c.run.id));
    return current;
  }
  if (outcome.status === 'failed' && outcome.failedTask !== 'manifest') {
    try {
      const written = await writeRunManifest(db, { run: row, inputs: c.inputs, status: 'failed', skipTask: 'manifest' });
      [row] = await db.update(runs).set({ manifestKey: written.key, manifestSha256: written.sha256 }).where(eq(runs.id, c.run.id)).returning();
      // the manifest task did its work: the run page lists the manifest, and its step says so (not skipped)
      const now = new Date();
      await db
        .insert(runSteps)
        .values({ runId: c.run.id, name: 'manifest', status: 'succeeded', attempts: 1, startedAt: now, finishedAt: now })
        .onConflictDoUpdate({
          target: [runSteps.runId, runSteps.name],
          set: { status: 'succeeded', attempts: sql`${runSteps.attempts} + 1`, startedAt: now, finishedAt: now, error: null },
        });
    } catch (err) {
      log.error({ err, run: c.run.id }, 'the failure manifest could not be written');
    }
  }
  await afterRunFinished(db, row);
  return row;
}
