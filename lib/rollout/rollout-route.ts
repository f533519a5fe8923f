import { z } from 'zod';
import { route, type RouteHandler } from '../auth/route';
import { approvePromotion } from './approve-promotion';
import { deployShadow } from './deploy-shadow';
import { candidateStageOf, findModel, findModelVersion } from './find-model-version';
import { projectsOfModel } from './projects-of-model';
import { promoteBack } from './promote-back';
import { rejectPromotion } from './reject-promotion';
import { requestPromotion } from './request-promotion';
import { rollBackCandidate } from './roll-back-candidate';
import { ROLLOUT_OPS, type RolloutOp, ZNote, ZReason } from './rollout-ops';

const ZTarget = z.object({ model: z.string().min(1).max(128), version: z.string().min(1).max(128) });

/**
 * POST /api/models/:model/rollout/<op> {version, reason}: the rollout steps of the Promotions page for
 * the API and `segflow rollout`, under the same rules (the gates, approver ≠ registrant and ≠
 * requester, a reason for every change) and the same audit actions. The permission comes from the
 * caller's role in the model's owning project only (lib/auth/authorize-model.ts); the success is
 * audited in the owner's log and in those of the projects granted the model.
 */
export function rolloutRoute(op: RolloutOp): RouteHandler {
  const spec = ROLLOUT_OPS[op];
  const input = spec.reason ? ZTarget.extend({ reason: ZReason }) : ZTarget.extend({ note: ZNote });
  return route(
    {
      action: spec.action,
      permission: spec.permission,
      input: input as z.ZodType<z.infer<typeof ZTarget> & { reason?: string; note?: string }>,
      project: () => null,
      model: (i) => i.model,
      concerns: async (i, tx) => projectsOfModel(tx, (await findModel(tx, i.model)).id),
      target: (i) => ({ type: 'model_version', id: `${i.model}@${i.version}` }),
    },
    async (ctx) => {
      const ref = await findModelVersion(ctx.tx, ctx.input);
      const actorId = ctx.actor.userId;
      const reason = ctx.input.reason ?? '';
      Object.assign(ctx.auditDetails, { model: ref.model, version: ref.version, from: ref.stage });
      switch (op) {
        case 'shadow':
          await deployShadow(ctx.tx, { modelId: ref.modelId, versionId: ref.versionId, actorId, reason });
          return { model: ref.model, version: ref.version, stage: 'shadow' };
        case 'request': {
          const { evaluation, event } = await requestPromotion(ctx.tx, {
            modelId: ref.modelId,
            stage: candidateStageOf(ref, 'requested'),
            actorId,
            note: ctx.input.note,
          });
          Object.assign(ctx.auditDetails, { target: evaluation.target, event: event.id });
          return { model: ref.model, version: ref.version, requested: evaluation.target, event: event.id, checks: evaluation.checks };
        }
        case 'approve': {
          const { to } = await approvePromotion(ctx.tx, { modelId: ref.modelId, stage: candidateStageOf(ref, 'approved'), actorId, reason });
          ctx.auditDetails.to = to;
          return { model: ref.model, version: ref.version, to };
        }
        case 'reject': {
          const event = await rejectPromotion(ctx.tx, { modelId: ref.modelId, stage: candidateStageOf(ref, 'rejected'), actorId, reason });
          ctx.auditDetails.event = event.id;
          return { model: ref.model, version: ref.version, rejected: ref.stage, event: event.id };
        }
        case 'rollback': {
          const event = await rollBackCandidate(ctx.tx, { modelId: ref.modelId, stage: candidateStageOf(ref, 'rolled back'), actorId, reason });
          ctx.auditDetails.event = event.id;
          return { model: ref.model, version: ref.version, rolledBack: ref.stage, event: event.id };
        }
        case 'promote-back': {
          const r = await promoteBack(ctx.tx, { modelId: ref.modelId, versionId: ref.versionId, actorId, reason });
          Object.assign(ctx.auditDetails, { replaced: r.replaced, earlierLiveEvent: r.earlierLiveEvent });
          return { model: ref.model, version: ref.version, stage: 'live', replaced: r.replaced };
        }
      }
    },
  );
}
