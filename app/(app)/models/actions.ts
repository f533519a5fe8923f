'use server';
import { z } from 'zod';
import { action } from '@/lib/auth/action';
import { grantSpec, grantWork, revokeWork } from '@/lib/models/grant-endpoints';
import { deployShadow } from '@/lib/rollout/deploy-shadow';
import { projectsOfModel } from '@/lib/rollout/projects-of-model';

/** Puts a registered version into shadow (operators, admins): it starts receiving a copy of every run. */
export const deployShadowAction = action(
  {
    action: 'model.shadow.deploy',
    permission: 'model:register',
    input: z.object({ model: z.uuid(), version: z.uuid(), reason: z.string().trim().min(1, 'a reason is required').max(2000) }),
    project: () => null,
    model: (i) => i.model,
    concerns: (i, tx) => projectsOfModel(tx, i.model),
    target: (i) => ({ type: 'model_version', id: i.version }),
  },
  async (ctx) => {
    const slot = await deployShadow(ctx.tx, { modelId: ctx.input.model, versionId: ctx.input.version, actorId: ctx.actor.userId, reason: ctx.input.reason });
    Object.assign(ctx.auditDetails, { model: ctx.input.model, version: ctx.input.version });
    return { shadowVersionId: slot.shadowVersionId };
  },
);

/** Lets another project run the model (the owning project's operators and admins); audited in both projects. */
export const grantModelAction = action(grantSpec('model.grant'), grantWork);

/** Takes a project's grant back: its new runs of the model are refused. */
export const revokeModelAction = action(grantSpec('model.revoke'), revokeWork);
