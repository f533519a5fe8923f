import { z } from 'zod';
import type { GuardContext, GuardSpec } from '../auth/guard';
import { findModelOwnership } from '../models/model-access';
import { modelGatePolicy, setModelGatePolicy } from './model-gate-policy';
import { projectsOfModel } from './projects-of-model';

/**
 * Setting a model's gate policy, shared by PUT /api/models/:model/gate-policy and the Promotions
 * page: the owning project's operators and admins, with a reason; audited (old and new policy) in
 * the owner's log and those of the projects granted the model. An empty policy ({}) clears it.
 */
export const ZSetGatePolicy = z.object({
  model: z.string().min(1).max(128),
  policy: z.record(z.string(), z.unknown()),
  reason: z.string().trim().min(1, 'a reason is required').max(2000),
});
export type TSetGatePolicy = z.infer<typeof ZSetGatePolicy>;

export const setGatePolicySpec: GuardSpec<TSetGatePolicy> = {
  action: 'model.gate_policy.set',
  permission: 'promotion:approve',
  input: ZSetGatePolicy,
  project: () => null,
  model: (i) => i.model,
  concerns: async (i, tx) => projectsOfModel(tx, (await findModelOwnership(tx, i.model)).id),
  target: (i) => ({ type: 'model', id: i.model }),
};

export async function setGatePolicyWork(ctx: GuardContext<TSetGatePolicy>) {
  const m = await findModelOwnership(ctx.tx, ctx.input.model);

  const before = (await modelGatePolicy(ctx.tx, m.id)).override;
  const after = await setModelGatePolicy(ctx.tx, { modelId: m.id, policy: ctx.input.policy, actorId: ctx.actor.userId, reason: ctx.input.reason });
  Object.assign(ctx.auditDetails, { model: m.name, before, after: after.override, reason: ctx.input.reason });
  return { model: m.name, override: after.override, policy: after.policy, reason: after.reason };
}
