import { and, eq, sql } from 'drizzle-orm';
import { comparisons, runs, runSteps, studies } from '@/db/schema';
import { parseRunChecks, parseRunParams, parseStepOutputs } from '@/db/schema/run-json';
import { builtOnce } from '../built-query';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import { planRun, SHADOW_INFER_TASK, topologicalOrder } from '../pipeline/definition';
import { liveWhenRunSubmitted } from '../rollout/which-version-was-live';
import { runDto } from './run-dto';
import type { RunDetailDto, RunStepDto } from './schemas';

/** The project a run belongs to: what the guard checks the caller's role against. */
export async function projectOfRun(db: DbOrTx, runId: string): Promise<string> {
  const [row] = await projectOfRunQuery(db, { runId });
  if (!row) throw new AppError('not_found', `run ${runId} not found`);
  return row.projectId;
}

/** Who submitted a run (null: the platform, e.g. the demo run); the run must be in the project. */
export async function submitterOfRun(db: DbOrTx, p: { runId: string; projectId: string }): Promise<string | null> {
  const [row] = await db
    .select({ by: runs.submittedBy })
    .from(runs)
    .where(and(eq(runs.id, p.runId), eq(runs.projectId, p.projectId)))
    .limit(1);
  return row?.by ?? null;
}

/**
 * One run with its steps in DAG order (tasks not started yet are listed as pending). Roles that may
 * not see shadow results (researchers) get neither the shadow task nor the comparison (ADR-03).
 */
export async function getRun(db: DbOrTx, p: { runId: string; projectId: string; seeShadow: boolean }): Promise<RunDetailDto> {
  // every read at once; nothing is used unless the run is the project's
  const ref = { runId: p.runId, projectId: p.projectId };
  const [[row], stepRows, live, [cmp]] = await Promise.all([
    runWithLabel(db, ref),
    stepsOfRun(db, ref),
    liveWhenRunSubmitted(db, ref),
    p.seeShadow ? comparisonOfRun(db, ref) : Promise.resolve([]),
  ]);
  if (!row) throw new AppError('not_found', `run ${p.runId} not found`);
  const dto = runDto(row.run, row.label, p.seeShadow);
  const params = parseRunParams(row.run);
  const plan = topologicalOrder(planRun({ shadow: Boolean(params.shadow) }));
  const recorded = new Map(stepRows.map((s) => [s.name, s]));
  const hidden = (name: string) => !p.seeShadow && (name === SHADOW_INFER_TASK || name === 'compare');
  const steps: RunStepDto[] = plan
    .filter((t) => !hidden(t.id))
    .map((t) => {
      const s = recorded.get(t.id);
      return {
        name: t.id,
        status: s?.status ?? 'pending',
        attempts: s?.attempts ?? 0,
        startedAt: s?.startedAt?.toISOString() ?? null,
        finishedAt: s?.finishedAt?.toISOString() ?? null,
        error: s?.error ?? null,
        ...(s?.detail ? { detail: s.detail } : {}),
        ...(s?.checks.length ? { checks: parseRunChecks(s) } : {}),
        outputs: (s ? parseStepOutputs(s) : []).map((o) => ({ name: o.name, key: o.key, sha256: o.sha256, size: o.size })),
      };
    });
  const out: RunDetailDto = { ...dto, steps, liveAtSubmission: live?.version ?? null };
  if (p.seeShadow && cmp)
    out.comparison = (cmp.metrics as { name: string; dice: number; hd95Mm: number | null; volumeDiffMl: number }[]).map((m) => ({
      name: m.name,
      dice: m.dice,
      hd95Mm: m.hd95Mm,
      volumeDiffMl: m.volumeDiffMl,
    }));
  return out;
}

// the queries on a run page's every poll, built once (lib/built-query.ts)
const projectOfRunQuery = builtOnce('project_of_run', (db) =>
  db
    .select({ projectId: runs.projectId })
    .from(runs)
    .where(eq(runs.id, sql.placeholder('runId')))
    .limit(1),
);
const runWithLabel = builtOnce('run_with_label', (db) =>
  db
    .select({ run: runs, label: studies.label })
    .from(runs)
    .innerJoin(studies, eq(studies.id, runs.studyId))
    .where(and(eq(runs.id, sql.placeholder('runId')), eq(runs.projectId, sql.placeholder('projectId'))))
    .limit(1),
);
const stepsOfRun = builtOnce('steps_of_run', (db) =>
  db
    .select()
    .from(runSteps)
    .where(eq(runSteps.runId, sql.placeholder('runId'))),
);
const comparisonOfRun = builtOnce('comparison_of_run', (db) =>
  db
    .select()
    .from(comparisons)
    .where(eq(comparisons.runId, sql.placeholder('runId')))
    .limit(1),
);
