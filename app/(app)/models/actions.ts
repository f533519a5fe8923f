'use server';
import { z } from 'zod';
import { action } from '@/lib/auth/action';
import { deployShadow } from '@/lib/rollout/deploy-shadow';
import { projectsOfModel } from '@/lib/rollout/projects-of-model';

/** Puts a registered version into shadow (operators, admins): it starts receiving a copy of every run. */
export const deployShadowAction = action(
  {
    action: 'model.shadow.deploy',
    permission: 'model:register',
    input: z.object({ model: z.uuid(), version: z.uuid(), reason: z.string().trim().min(1, 'a reason is required').max(2000) }),
    project: () => null,
    concerns: (i, tx) => projectsOfModel(tx, i.model),
    target: (i) => ({ type: 'model_version', id: i.version }),
  },
  async (ctx) => {
    const slot = await deployShadow(ctx.tx, { modelId: ctx.input.model, versionId: ctx.input.version, actorId: ctx.actor.userId, reason: ctx.input.reason });
    Object.assign(ctx.auditDetails, { model: ctx.input.model, version: ctx.input.version });
    return { shadowVersionId: slot.shadowVersionId };
  },
);
