import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { runs, runSteps } from '@/db/schema';
import { parseRunParams } from '@/db/schema/run-json';
import type { DbOrTx } from '@/lib/db';
import { AppError } from '@/lib/errors';
import { planRun, SHADOW_INFER_TASK } from '@/lib/pipeline/definition';
import { stepLogKey } from '@/lib/storage/keys';
import { getObjectBytes, headObject } from '@/lib/storage/objects';
import { parseStepLog, type TStepLogLine } from './step-log';

export const ZStepLogRef = z.object({ run: z.uuid(), step: z.string().min(1).max(64), attempt: z.coerce.number().int().min(1).max(1000).optional() });

export interface StepLogDto {
  step: string;
  /** the attempt shown, and how many the step has had */
  attempt: number;
  attempts: number;
  /** the step's status: a running one's log is still growing */
  status: string;
  /** false when nothing was stored for this attempt (not started, or a step the platform runs itself) */
  stored: boolean;
  lines: TStepLogLine[];
}

/**
 * The stored log of one attempt of a run's task (default: its latest). Roles that may not see
 * shadow results (researchers) get neither the shadow task's nor compare's log (ADR-03).
 */
export async function getStepLog(db: DbOrTx, p: { runId: string; projectId: string; step: string; attempt?: number; seeShadow: boolean }): Promise<StepLogDto> {
  const [run] = await db
    .select()
    .from(runs)
    .where(and(eq(runs.id, p.runId), eq(runs.projectId, p.projectId)));
  if (!run) throw new AppError('not_found', `run ${p.runId} not found`);
  const tasks = planRun({ shadow: Boolean(parseRunParams(run).shadow) });
  const hidden = !p.seeShadow && (p.step === SHADOW_INFER_TASK || p.step === 'compare');
  if (hidden || !tasks.some((t) => t.id === p.step)) throw new AppError('not_found', `run ${p.runId} has no step ${p.step}`);
  const [row] = await db
    .select()
    .from(runSteps)
    .where(and(eq(runSteps.runId, run.id), eq(runSteps.name, p.step)));
  const attempts = row?.attempts ?? 0;
  const attempt = p.attempt ?? Math.max(1, attempts);
  if (attempt > Math.max(1, attempts))
    throw new AppError('not_found', `step ${p.step} has had ${attempts} attempt${attempts === 1 ? '' : 's'}: there is no attempt ${attempt}`);
  const base = { step: p.step, attempt, attempts, status: row?.status ?? 'pending' };
  const key = stepLogKey({ projectId: run.projectId, studyId: run.studyId, runId: run.id, task: p.step, attempt });
  if (!(await headObject(key))) return { ...base, stored: false, lines: [] };
  return { ...base, stored: true, lines: parseStepLog(await getObjectBytes({ key })) };
}
