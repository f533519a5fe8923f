/**
 * The rollout steps' names, permissions and inputs, declared once for both ways in: the Promotions
 * page's server actions (a model id and the candidate's stage) and the REST API and `segflow rollout`
 * (lib/rollout/rollout-route.ts: a model name and version). Both audit the same actions; the
 * permission is the caller's in the model's owning project, and the success is audited in the logs of
 * every project the model concerns.
 */
import { z } from 'zod';
import type { GuardSpec } from '../auth/guard';
import type { Permission } from '../auth/permissions';
import { projectsOfModel } from './projects-of-model';

export type RolloutOp = 'shadow' | 'request' | 'approve' | 'reject' | 'rollback' | 'promote-back';

/** `reason`: the step is a change that needs one (a request takes an optional note instead). */
export const ROLLOUT_OPS = {
  shadow: { action: 'model.shadow.deploy', permission: 'model:register', reason: true },
  request: { action: 'promotion.request', permission: 'promotion:approve', reason: false },
  approve: { action: 'promotion.approve', permission: 'promotion:approve', reason: true },
  reject: { action: 'promotion.reject', permission: 'promotion:approve', reason: true },
  rollback: { action: 'promotion.rollback', permission: 'promotion:approve', reason: true },
  'promote-back': { action: 'promotion.promote_back', permission: 'promotion:approve', reason: true },
} as const satisfies Record<RolloutOp, { action: string; permission: Permission; reason: boolean }>;

/** The steps the Promotions page takes on a candidate (by model id and stage). */
type StageOp = 'request' | 'approve' | 'reject' | 'rollback';
type StagePermission = (typeof ROLLOUT_OPS)[StageOp]['permission'];

export const ZReason = z.string().trim().min(1, 'a reason is required').max(2000);
export const ZNote = z.string().trim().max(2000).optional();
const ZStage = z.enum(['shadow', 'canary']);

const ZStageWithReason = z.object({ model: z.uuid(), stage: ZStage, reason: ZReason });
const ZStageWithNote = z.object({ model: z.uuid(), stage: ZStage, note: ZNote });
export type TStageWithReason = z.infer<typeof ZStageWithReason>;
export type TStageWithNote = z.infer<typeof ZStageWithNote>;

function stageSpec<I extends { model: string }>(op: StageOp, input: z.ZodType<I>): GuardSpec<I, StagePermission> {
  return {
    action: ROLLOUT_OPS[op].action,
    permission: ROLLOUT_OPS[op].permission,
    input,
    project: () => null,
    model: (i) => i.model,
    concerns: (i, tx) => projectsOfModel(tx, i.model),
    target: (i) => ({ type: 'model', id: i.model }),
  };
}

/** The guard of a Promotions page step on a model's candidate (by model id and stage), with a reason. */
export const stageStepSpec = (op: Exclude<StageOp, 'request'>): GuardSpec<TStageWithReason, StagePermission> => stageSpec(op, ZStageWithReason);

/** The guard of a promotion request from the Promotions page (an optional note, no reason). */
export const requestStepSpec = (): GuardSpec<TStageWithNote, StagePermission> => stageSpec('request', ZStageWithNote);
