import { eq } from 'drizzle-orm';
import type { Role } from '../lib/auth/permissions';
import type { Db } from '../lib/db';
import type { MatrixRow } from './endpoint-matrix';
import { newRun } from './endpoint-matrix';
import type { TestProject } from './test-project';

/** operators and admins of the run's project control runs; researchers and reviewers do not (issue 9) */
const RUN_MANAGERS: Role[] = ['operator', 'admin'];

/**
 * A run in the state a control acts on, for an executor kind no executor takes (`matrix`): a queued
 * one to cancel, a failed one to retry (queued again after it). Nothing sharing this database runs them.
 */
async function runIn(db: Db, project: TestProject, status: 'queued' | 'failed') {
  const { runs } = await import('../db/schema');
  const run = await newRun(db, project);
  await db.update(runs).set({ status, executor: 'matrix', ...(status === 'failed' ? { error: 'matrix: failed' } : {}) }).where(eq(runs.id, run.id));
  return run;
}

/** Rows of the run-control endpoints (kept apart so parallel work does not edit one file); added by endpoint-matrix.ts. */
export function addControlRows(matrix: Record<string, MatrixRow>): void {
  for (const [verb, status] of [
    ['cancel', 'queued'],
    ['retry', 'failed'],
  ] as const) {
    const input: MatrixRow['input'] = async (db, project) => {
      const run = await runIn(db, project, status);
      return { method: 'POST', path: `/api/runs/${run.id}/${verb}`, params: { run: run.id }, body: { run: run.id, reason: 'permission matrix' } };
    };
    matrix[`app/api/runs/[run]/${verb}/route.ts#POST`] = { permission: 'run:manage', allowed: RUN_MANAGERS, projectScoped: true, input };
    matrix[`app/(app)/runs/[run]/actions.ts#${verb}RunAction`] = { permission: 'run:manage', allowed: RUN_MANAGERS, projectScoped: true, input };
  }
  matrix['app/api/runs/[run]/outputs/route.ts#GET'] = {
    permission: 'run:read',
    allowed: ['researcher', 'operator', 'admin'],
    projectScoped: true,
    input: async (db, project) => {
      const { seedRunWithImages } = await import('../lib/viewer/test/seed-run-images');
      const { run } = await seedRunWithImages(db, project, { objects: true });
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
