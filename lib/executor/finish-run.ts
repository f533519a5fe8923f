import { eq } from 'drizzle-orm';
import { runs, type Run } from '@/db/schema';
import type { DbOrTx } from '@/lib/db';
import { writeRunManifest } from '@/lib/pipeline/write-run-manifest';
import { afterRunFinished } from '@/lib/rollout/after-run';
import type { RunContext } from './run-context';

/** The platform's `manifest` task: the signed manifest of a run whose worker steps all succeeded. */
export async function writeSucceededManifest(db: DbOrTx, c: RunContext): Promise<{ key: string; sha256: string }> {
  const written = await writeRunManifest(db, { run: c.run, inputs: c.inputs, status: 'succeeded', skipTask: 'manifest' });
  await db.update(runs).set({ manifestKey: written.key, manifestSha256: written.sha256 }).where(eq(runs.id, c.run.id));
  return written;
}

/**
 * Marks a run finished. A failed run gets its provenance record too — what ran, how often, what it
 * wrote, why it stopped — unless the manifest itself is what failed. Then rollout reacts (canary gates).
 */
export async function finishRun(db: DbOrTx, c: RunContext, outcome: { status: 'succeeded' } | { status: 'failed'; error: string; failedTask: string }): Promise<Run> {
  let [row] = await db
    .update(runs)
    .set({ status: outcome.status, error: outcome.status === 'failed' ? outcome.error : null, finishedAt: new Date() })
    .where(eq(runs.id, c.run.id))
    .returning();
  if (outcome.status === 'failed' && outcome.failedTask !== 'manifest') {
    try {
      const written = await writeRunManifest(db, { run: row, inputs: c.inputs, status: 'failed', skipTask: 'manifest' });
      [row] = await db.update(runs).set({ manifestKey: written.key, manifestSha256: written.sha256 }).where(eq(runs.id, c.run.id)).returning();
    } catch (err) {
      console.error(`[executor] run ${c.run.id}: the failure manifest could not be written:`, err);
    }
  }
  await afterRunFinished(db, row);
  return row;
}
