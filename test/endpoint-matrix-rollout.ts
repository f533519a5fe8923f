import type { Role } from '../lib/auth/permissions';
import type { MatrixRow } from './endpoint-matrix';

const APPROVERS: Role[] = ['operator', 'admin'];
// a model that does not exist: allowed roles get 404 from the work (nothing changes), the others 403 from the guard
const NO_MODEL = '00000000-0000-4000-8000-0000000000aa';

/** Rows of the rollout endpoints (kept apart so parallel work does not edit one file); added by endpoint-matrix.ts. */
export function addRolloutRows(matrix: Record<string, MatrixRow>): void {
  matrix['app/(app)/promotions/actions.ts#requestPromotionAction'] = {
    permission: 'promotion:approve',
    allowed: APPROVERS,
    input: async () => ({ method: 'POST', path: '', body: { model: NO_MODEL, stage: 'shadow' } }),
  };
  matrix['app/(app)/promotions/actions.ts#approvePromotionAction'] = {
    permission: 'promotion:approve',
    allowed: APPROVERS,
    input: async () => ({ method: 'POST', path: '', body: { model: NO_MODEL, stage: 'canary', reason: 'matrix' } }),
  };
  matrix['app/(app)/promotions/actions.ts#rollbackAction'] = {
    permission: 'promotion:approve',
    allowed: APPROVERS,
    input: async () => ({ method: 'POST', path: '', body: { model: NO_MODEL, stage: 'canary', reason: 'matrix' } }),
  };
  matrix['app/(app)/models/actions.ts#deployShadowAction'] = {
    permission: 'model:register',
    allowed: APPROVERS,
    input: async () => ({ method: 'POST', path: '', body: { model: NO_MODEL, version: NO_MODEL, reason: 'matrix' } }),
  };
}
