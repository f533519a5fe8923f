'use server';
import { action } from '@/lib/auth/action';
import { approvePromotion } from '@/lib/rollout/approve-promotion';
import { rejectPromotion } from '@/lib/rollout/reject-promotion';
import { requestPromotion } from '@/lib/rollout/request-promotion';
import { rollBackCandidate } from '@/lib/rollout/roll-back-candidate';
import { setGatePolicySpec, setGatePolicyWork } from '@/lib/rollout/gate-policy-endpoint';
import { requestStepSpec, stageStepSpec } from '@/lib/rollout/rollout-ops';

/** Evaluates a candidate's gate and, when it passes, records the request for another operator's approval. */
export const requestPromotionAction = action(requestStepSpec(), async (ctx) => {
  const { evaluation, event } = await requestPromotion(ctx.tx, {
    modelId: ctx.input.model,
    stage: ctx.input.stage,
    actorId: ctx.actor.userId,
    note: ctx.input.note,
  });
  Object.assign(ctx.auditDetails, {
    version: evaluation.version,
    stage: evaluation.stage,
    percent: evaluation.percent,
    target: evaluation.target,
    event: event.id,
  });
  return { event: event.id, target: evaluation.target };
});

/** Approves a requested promotion (not by its registrant or requester) and moves the candidate one step. */
export const approvePromotionAction = action(stageStepSpec('approve'), async (ctx) => {
  const { evaluation, to } = await approvePromotion(ctx.tx, {
    modelId: ctx.input.model,
    stage: ctx.input.stage,
    actorId: ctx.actor.userId,
    reason: ctx.input.reason,
  });
  Object.assign(ctx.auditDetails, { version: evaluation.version, from: { stage: evaluation.stage, percent: evaluation.percent }, to });
  return { to };
});

/** Declines a requested promotion (with a reason): its requests close, the candidate stays where it is. */
export const rejectPromotionAction = action(stageStepSpec('reject'), async (ctx) => {
  const event = await rejectPromotion(ctx.tx, { modelId: ctx.input.model, stage: ctx.input.stage, actorId: ctx.actor.userId, reason: ctx.input.reason });
  Object.assign(ctx.auditDetails, { stage: ctx.input.stage, version: event.versionId, event: event.id });
  return { event: event.id };
});

/** Takes the canary or the shadow off the slot in one step; the live version keeps serving. */
export const rollbackAction = action(stageStepSpec('rollback'), async (ctx) => {
  const event = await rollBackCandidate(ctx.tx, { modelId: ctx.input.model, stage: ctx.input.stage, actorId: ctx.actor.userId, reason: ctx.input.reason });
  Object.assign(ctx.auditDetails, { stage: ctx.input.stage, version: event.versionId, event: event.id });
  return { event: event.id };
});

/** Sets the model's own gate policy (the owning project's operators and admins, with a reason). */
export const setGatePolicyAction = action(setGatePolicySpec, setGatePolicyWork);
