import type { Role } from '../lib/auth/permissions';
import type { MatrixRow } from './endpoint-matrix';
import { newRun } from './endpoint-matrix';

/** operators and admins of the run's project control runs; researchers and reviewers do not (issue 9) */
const RUN_MANAGERS: Role[] = ['operator', 'admin'];
/** ...and researchers may cancel their own queued runs */
const RUN_CANCELLERS: Role[] = ['researcher', 'operator', 'admin'];

/** Rows of the run-control endpoints (kept apart so parallel work does not edit one file); added by endpoint-matrix.ts. */
export function addControlRows(matrix: Record<string, MatrixRow>): void {
  // a run each verb succeeds on — a queued one to cancel, a failed one to retry — of an executor kind
  // no executor takes (CI's e2e app shares this database), fresh for every allowed call
  for (const verb of ['cancel', 'retry'] as const) {
    const input: MatrixRow['input'] = async (db, project) => {
      const run = await newRun(db, project, { status: verb === 'cancel' ? 'queued' : 'failed', executor: 'permission-matrix' });
      return { method: 'POST', path: `/api/runs/${run.id}/${verb}`, params: { run: run.id }, body: { run: run.id, reason: 'permission matrix' } };
    };
    // cancel: researchers too, on a run they submitted while it is queued (newRun's submitter is the project's researcher)
    const row =
      verb === 'cancel' ? { permission: 'run:cancel' as const, allowed: RUN_CANCELLERS } : { permission: 'run:manage' as const, allowed: RUN_MANAGERS };
    matrix[`app/api/runs/[run]/${verb}/route.ts#POST`] = { ...row, projectScoped: true, input };
    matrix[`app/(app)/runs/[run]/actions.ts#${verb}RunAction`] = { ...row, projectScoped: true, input };
  }
  matrix['app/api/runs/[run]/outputs/route.ts#GET'] = {
    permission: 'run:read',
    allowed: ['researcher', 'operator', 'admin'],
    projectScoped: true,
    input: async (db, project) => {
      const run = await newRun(db, project);
      return { method: 'GET', path: `/api/runs/${run.id}/outputs`, params: { run: run.id } };
    },
  };
  matrix['app/api/runs/[run]/steps/[step]/logs/route.ts#GET'] = {
    permission: 'run:read',
    // reviewers hold no run:read: they never see step logs
    allowed: ['researcher', 'operator', 'admin'],
    projectScoped: true,
    input: async (db, project) => {
      const run = await newRun(db, project);
      return { method: 'GET', path: `/api/runs/${run.id}/steps/ingest/logs`, params: { run: run.id, step: 'ingest' } };
    },
  };
}
