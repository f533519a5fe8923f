import { NextResponse } from 'next/server';
import { route } from '@/lib/auth/route';
import { can } from '@/lib/auth/permissions';
import { submitRun } from '@/lib/runs/submit-run';
import { runDto } from '@/lib/runs/run-dto';
import { listRuns } from '@/lib/runs/list-runs';
import { ZListRunsQuery } from '@/lib/runs/list-runs-query';
import { ZSubmitRun } from '@/lib/runs/schemas';
import { studyLabel } from '@/lib/studies/study-label';

/**
 * One page of the project's runs, newest first: `{ runs, nextCursor }`; filters status, model,
 * version (with model), study, submitter (email or id), from, to; `cursor` from the previous page.
 */
export const GET = route({ action: 'run.list', permission: 'run:read', input: ZListRunsQuery, project: (i) => i.project }, async (ctx) => {
  const { project: _project, ...filter } = ctx.input;
  return listRuns(ctx.tx, { projectId: ctx.project!.id, seeShadow: can(ctx.role, 'promotion:read'), filter });
});

/**
 * Submits a series to a model: 201 with a new run, or 200 with the existing run when the same input,
 * pipeline, model versions and parameters were submitted before (a failed one is queued again).
 */
export const POST = route(
  { action: 'run.submit', permission: 'run:submit', input: ZSubmitRun, project: (i) => i.project, target: (i) => ({ type: 'series', id: i.series }) },
  async (ctx) => {
    const { run, created } = await submitRun(ctx.tx, {
      projectId: ctx.project!.id,
      seriesId: ctx.input.series,
      model: ctx.input.model,
      submittedBy: ctx.actor.userId,
    });
    Object.assign(ctx.auditDetails, { run: run.id, runKey: run.runKey, created });
    return NextResponse.json(
      { run: runDto(run, await studyLabel(ctx.tx, run.studyId), can(ctx.role, 'promotion:read')), created },
      { status: created ? 201 : 200 },
    );
  },
);
