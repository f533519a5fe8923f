import { route } from '@/lib/auth/route';
import { can } from '@/lib/auth/permissions';
import { cancelRun } from '@/lib/runs/cancel-run';
import { projectOfRun } from '@/lib/runs/get-run';
import { runDto } from '@/lib/runs/run-dto';
import { ZRunControl } from '@/lib/runs/schemas';
import { studyLabelOf } from '@/lib/runs/study-label';

/**
 * Cancels a queued or running run (operators and admins of its project), with a reason for the audit
 * log; a researcher may cancel a run they submitted while it is still queued.
 */
export const POST = route(
  {
    action: 'run.cancel',
    permission: 'run:cancel',
    input: ZRunControl,
    project: (i, db) => projectOfRun(db, i.run),
    target: (i) => ({ type: 'run', id: i.run }),
  },
  async (ctx) => {
    const run = await cancelRun(ctx.tx, {
      runId: ctx.input.run,
      projectId: ctx.project!.id,
      reason: ctx.input.reason,
      ownQueuedOnly: can(ctx.role, 'run:manage') ? undefined : { userId: ctx.actor.userId },
    });
    Object.assign(ctx.auditDetails, { reason: ctx.input.reason, status: run.status });
    return { run: runDto(run, await studyLabelOf(ctx.tx, run.studyId), true) };
  },
);
