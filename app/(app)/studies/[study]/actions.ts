'use server';
import { z } from 'zod';
import { action } from '@/lib/auth/action';
import { getStudyIdentity } from '@/lib/studies/get-study-identity';
import { projectOfStudy } from '@/lib/uploads/get-study-summary';
import { AppError } from '@/lib/errors';
import { submitRun } from '@/lib/runs/submit-run';

/** Reveals a study's identifying header values (PHI): researchers and admins of its project, audited. */
export const revealStudyIdentityAction = action(
  {
    action: 'phi.read',
    permission: 'phi:read',
    input: z.object({ study: z.uuid() }),
    project: (i, db) => projectOfStudy(db, i.study),
    target: (i) => ({ type: 'study', id: i.study }),
  },
  async (ctx) => getStudyIdentity(ctx.tx, { studyId: ctx.input.study, projectId: ctx.project!.id }),
);

/** Starts a run of one series of the study with a model (the slot decides the version); returns the run. */
export const startRunAction = action(
  {
    action: 'run.submit',
    permission: 'run:submit',
    input: z.object({ study: z.uuid(), series: z.uuid(), model: z.string().min(1).max(128) }),
    project: (i, db) => projectOfStudy(db, i.study),
    target: (i) => ({ type: 'series', id: i.series }),
  },
  async (ctx) => {
    const { run, created } = await submitRun(ctx.tx, {
      projectId: ctx.project!.id,
      seriesId: ctx.input.series,
      model: ctx.input.model,
      submittedBy: ctx.actor.userId,
    });
    if (run.studyId !== ctx.input.study) throw new AppError('not_found', `series ${ctx.input.series} is not in study ${ctx.input.study}`);
    Object.assign(ctx.auditDetails, { run: run.id, runKey: run.runKey, created });
    return { run: run.id, created, status: run.status };
  },
);
