import { and, desc, eq, gte, inArray, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { comparisons, reviewVerdicts, runs, runSteps, slotEvents } from '@/db/schema';
import type { DbOrTx } from '../db';
import { referenceDiceOfVersion } from '../references/reference-dice-of-version';
import { SERVING_INFER_TASK, SHADOW_INFER_TASK } from '../pipeline/definition';
import type { CanaryCases, ShadowCases } from './gate-checks';
import type { Candidate } from './get-candidate';

const ZDiceRows = z.array(z.object({ name: z.string(), dice: z.number().min(0).max(1) }));
const FINISHED = inArray(runs.status, ['succeeded', 'failed']);
/** the serving mask passed its plausibility checks (lib/models/check-output-plausibility.ts) */
const PLAUSIBLE = sql`${runs.warnings} = '[]'::jsonb`;
const RAN = ['succeeded', 'failed'] as const;
/** a bound on the in-window live baseline, so a long canary step does not read every live run */
const MAX_BASELINE_RUNS = 10_000;

/** Runs submitted since the candidate entered its stage (compared in SQL, at the database's precision). */
function sinceEntry(c: Candidate): SQL | undefined {
  return c.entry ? gte(runs.createdAt, sql`(select ${slotEvents.createdAt} from ${slotEvents} where ${slotEvents.id} = ${c.entry.id})`) : undefined;
}

function durationMs(s: { startedAt: Date | null; finishedAt: Date | null }): number | null {
  return s.startedAt && s.finishedAt ? s.finishedAt.getTime() - s.startedAt.getTime() : null;
}

const notNull = (x: number | null): x is number => x !== null;

/**
 * What the shadow gate looks at: the comparisons of the shadow's runs, whether its inference
 * failed, and how long it took next to the serving model's inference in the same runs. A run whose
 * serving mask was implausible (runs.warnings: an empty label, a volume outside its range) is no
 * case: two empty masks "agree" perfectly, and that must never count as agreement.
 */
export async function gatherShadowCases(db: DbOrTx, c: Candidate): Promise<ShadowCases> {
  const window = and(eq(runs.shadowVersionId, c.version.id), sinceEntry(c));
  const compared = await db
    .select({ runId: comparisons.runId, metrics: comparisons.metrics })
    .from(comparisons)
    .innerJoin(runs, eq(runs.id, comparisons.runId))
    .where(and(eq(comparisons.shadowVersionId, c.version.id), window, PLAUSIBLE))
    .orderBy(comparisons.createdAt);
  const steps = await db
    .select({ runId: runSteps.runId, name: runSteps.name, status: runSteps.status, startedAt: runSteps.startedAt, finishedAt: runSteps.finishedAt })
    .from(runSteps)
    .innerJoin(runs, eq(runs.id, runSteps.runId))
    .where(and(window, FINISHED, inArray(runSteps.name, [SERVING_INFER_TASK, SHADOW_INFER_TASK])));
  const shadow = steps.filter((s) => s.name === SHADOW_INFER_TASK && (RAN as readonly string[]).includes(s.status));
  const verdicts = await db
    .select({ comparisonId: reviewVerdicts.comparisonId, verdict: reviewVerdicts.verdict })
    .from(reviewVerdicts)
    .innerJoin(comparisons, eq(comparisons.id, reviewVerdicts.comparisonId))
    .innerJoin(runs, eq(runs.id, comparisons.runId))
    .where(and(eq(comparisons.shadowVersionId, c.version.id), window));
  const ok = (s: (typeof steps)[number]) => s.status === 'succeeded';
  return {
    comparisons: compared.flatMap((row) => {
      const parsed = ZDiceRows.safeParse(row.metrics);
      return parsed.success ? [{ runId: row.runId, labels: parsed.data }] : [];
    }),
    shadowRan: shadow.length,
    shadowFailed: shadow.filter((s) => s.status === 'failed').length,
    shadowLatencyMs: shadow.filter(ok).map(durationMs).filter(notNull),
    servingLatencyMs: steps
      .filter((s) => s.name === SERVING_INFER_TASK && ok(s))
      .map(durationMs)
      .filter(notNull),
    reviews: {
      reviewedCases: new Set(verdicts.map((v) => v.comparisonId)).size,
      verdicts: verdicts.length,
      liveBetter: verdicts.filter((v) => v.verdict === 'live_better').length,
    },
    referenceDice: await referenceDiceOfVersion(db, { versionId: c.version.id, window }),
  };
}

/**
 * What the canary gate looks at: the canary's own inferences since its current step, and the live
 * version's inference times over the same window (its most recent ones when it served none there).
 */
export async function gatherCanaryCases(db: DbOrTx, c: Candidate, p: { latencyBaselineRuns: number }): Promise<CanaryCases> {
  const since = sinceEntry(c);
  const canary = await db
    .select({ status: runSteps.status, startedAt: runSteps.startedAt, finishedAt: runSteps.finishedAt })
    .from(runSteps)
    .innerJoin(runs, eq(runs.id, runSteps.runId))
    .where(
      and(
        eq(runs.modelVersionId, c.version.id),
        eq(runs.servedBy, 'canary'),
        since,
        FINISHED,
        eq(runSteps.name, SERVING_INFER_TASK),
        inArray(runSteps.status, [...RAN]),
      ),
    );

  let liveLatencyMs: number[] = [];
  const liveId = c.slot.liveVersionId;
  if (liveId) {
    const liveSteps = (extra: SQL | undefined, limit: number) =>
      db
        .select({ startedAt: runSteps.startedAt, finishedAt: runSteps.finishedAt })
        .from(runSteps)
        .innerJoin(runs, eq(runs.id, runSteps.runId))
        .where(and(eq(runs.modelVersionId, liveId), eq(runs.servedBy, 'live'), extra, eq(runSteps.name, SERVING_INFER_TASK), eq(runSteps.status, 'succeeded')))
        .orderBy(desc(runSteps.finishedAt))
        .limit(limit);
    let rows = await liveSteps(since, MAX_BASELINE_RUNS);
    if (rows.length === 0) rows = await liveSteps(undefined, p.latencyBaselineRuns);
    liveLatencyMs = rows.map(durationMs).filter(notNull);
  }
  return {
    canaryRan: canary.length,
    canaryFailed: canary.filter((s) => s.status === 'failed').length,
    canaryLatencyMs: canary
      .filter((s) => s.status === 'succeeded')
      .map(durationMs)
      .filter(notNull),
    liveLatencyMs,
    referenceDice: await referenceDiceOfVersion(db, {
      versionId: c.version.id,
      window: and(eq(runs.modelVersionId, c.version.id), eq(runs.servedBy, 'canary'), since),
    }),
  };
}
