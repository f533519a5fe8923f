import { route } from '@/lib/auth/route';
import { projectOfRun } from '@/lib/runs/get-run';
import { retryRun } from '@/lib/runs/retry-run';
import { runDto } from '@/lib/runs/run-dto';
import { ZRunControl } from '@/lib/runs/schemas';
import { studyLabelOf } from '@/lib/runs/study-label';

/** Runs a failed or cancelled run again as its next attempt (operators and admins of its project), with a reason for the audit log. */
export const POST = route(
  {
    action: 'run.retry',
    permission: 'run:manage',
    input: ZRunControl,
    project: (i, db) => projectOfRun(db, i.run),
    target: (i) => ({ type: 'run', id: i.run }),
  },
  async (ctx) => {
    const run = await retryRun(ctx.tx, { runId: ctx.input.run, projectId: ctx.project!.id });
    Object.assign(ctx.auditDetails, { reason: ctx.input.reason, attempt: run.attempt });
    return { run: runDto(run, await studyLabelOf(ctx.tx, run.studyId), true) };
  },
);
