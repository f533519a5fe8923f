import { and, desc, eq } from 'drizzle-orm';
import { runs, storedObjects } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import { getObjectBytes } from '../storage/objects';

/** A run's stored manifest envelope as parsed JSON (by the version recorded when it was written). */
export async function readRunManifest(db: DbOrTx, p: { runId: string; projectId: string }): Promise<unknown> {
  const [run] = await db
    .select({ key: runs.manifestKey })
    .from(runs)
    .where(and(eq(runs.id, p.runId), eq(runs.projectId, p.projectId)))
    .limit(1);
  if (!run) throw new AppError('not_found', `run ${p.runId} not found`);
  if (!run.key) throw new AppError('not_found', `run ${p.runId} has no manifest yet (it is written when the run finishes)`);
  const obj = await manifestObject(db, run.key);
  const bytes = await getObjectBytes({ key: run.key, versionId: obj?.versionId ?? null });
  return JSON.parse(Buffer.from(bytes).toString('utf8'));
}

/** The manifest object a run recorded (its version id and size), so it is read as it was written. */
export async function manifestObject(db: DbOrTx, key: string): Promise<{ versionId: string | null; size: number } | null> {
  const [obj] = await db
    .select({ versionId: storedObjects.versionId, size: storedObjects.size })
    .from(storedObjects)
    .where(eq(storedObjects.key, key))
    .orderBy(desc(storedObjects.createdAt))
    .limit(1);
  return obj ?? null;
}
