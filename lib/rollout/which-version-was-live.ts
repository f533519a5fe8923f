import { and, desc, eq, lte, type SQL, sql } from 'drizzle-orm';
import { alias, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { deploymentSlots, modelVersions, runs, slotEvents } from '@/db/schema';
import { builtOnce } from '../built-query';
import type { DbOrTx } from '../db';

/**
 * The slot events that made a version live for a model (an id, or a column of a joined row) at or
 * before an instant: the live stage only changes through a 'live' event (rollbacks never touch it),
 * so the newest of them names the version live then. Needs slot_events joined to deployment_slots.
 */
function liveEventsOf(modelId: string | AnyPgColumn, at: Date | AnyPgColumn): SQL {
  return and(eq(deploymentSlots.modelId, modelId), eq(slotEvents.state, 'live'), lte(slotEvents.createdAt, at))!;
}

/** The version that was live for a model at an instant, from the slot's events. Null before the first live version. */
export async function whichVersionWasLive(
  db: DbOrTx,
  p: { modelId: string; at: Date },
): Promise<{ versionId: string; version: string; sha256: string; since: Date } | null> {
  const [row] = await db
    .select({ versionId: slotEvents.versionId, version: modelVersions.version, sha256: modelVersions.sha256, since: slotEvents.createdAt })
    .from(slotEvents)
    .innerJoin(deploymentSlots, eq(deploymentSlots.id, slotEvents.slotId))
    .innerJoin(modelVersions, eq(modelVersions.id, slotEvents.versionId))
    .where(liveEventsOf(p.modelId, p.at))
    .orderBy(desc(slotEvents.createdAt))
    .limit(1);
  return row ?? null;
}

const served = alias(modelVersions, 'served');

/**
 * The version of a run's model that was live when the run was submitted (differs from the one that
 * served it for a canary run), in one query; null for a run without a model or the project's.
 */
export async function liveWhenRunSubmitted(db: DbOrTx, p: { runId: string; projectId: string }): Promise<{ versionId: string; version: string } | null> {
  const [row] = await liveWhenRunSubmittedQuery(db, p);
  return row ?? null;
}

// on every poll of a run's page: built once (lib/built-query.ts)
const liveWhenRunSubmittedQuery = builtOnce('live_when_run_submitted', (db) =>
  db
    .select({ versionId: slotEvents.versionId, version: modelVersions.version })
    .from(runs)
    .innerJoin(served, eq(served.id, runs.modelVersionId))
    .innerJoin(deploymentSlots, eq(deploymentSlots.modelId, served.modelId))
    .innerJoin(slotEvents, eq(slotEvents.slotId, deploymentSlots.id))
    .innerJoin(modelVersions, eq(modelVersions.id, slotEvents.versionId))
    .where(and(eq(runs.id, sql.placeholder('runId')), eq(runs.projectId, sql.placeholder('projectId')), liveEventsOf(served.modelId, runs.createdAt)))
    .orderBy(desc(slotEvents.createdAt))
    .limit(1),
);
