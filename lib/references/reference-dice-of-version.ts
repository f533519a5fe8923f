import { and, eq, type SQL } from 'drizzle-orm';
import { referenceComparisons, runs } from '@/db/schema';
import type { DbOrTx } from '../db';

/**
 * A model version's accuracy against reference segmentations over a window of runs (`window`: a
 * condition on runs): per (run, reference) the version's mean Dice, oldest first. For the promotion gates.
 */
export async function referenceDiceOfVersion(db: DbOrTx, p: { versionId: string; window?: SQL }): Promise<number[]> {
  const rows = await db
    .select({ meanDice: referenceComparisons.meanDice })
    .from(referenceComparisons)
    .innerJoin(runs, eq(runs.id, referenceComparisons.runId))
    .where(and(eq(referenceComparisons.modelVersionId, p.versionId), p.window))
    .orderBy(referenceComparisons.createdAt);
  return rows.map((r) => r.meanDice);
}
