import { z } from 'zod';
import type { GuardSpec } from '../auth/guard';
import { findModelOwnership } from './model-access';
import { findGrantee, grantModel, revokeModel } from './model-grants';

/**
 * Grant and revoke as guard specs and work, shared by the REST route (/api/models/:model/grants) and
 * the model page's actions: the owner's operators and admins (model:register in the owning project);
 * audited in both projects' logs.
 */
export const ZGrantInput = z.object({
  model: z.string().min(1).max(128),
  project: z.string().trim().min(1, 'name the project to grant (its slug)').max(64),
});
export type TGrantInput = z.infer<typeof ZGrantInput>;

export function grantSpec(action: 'model.grant' | 'model.revoke'): GuardSpec<TGrantInput> {
  return {
    action,
    permission: 'model:register',
    input: ZGrantInput,
    project: () => null,
    model: (i) => i.model,
    concerns: async (i, tx) => {
      const grantee = await findGrantee(tx, i.project).catch(() => null);
      return grantee ? [grantee.id] : [];
    },
    target: (i) => ({ type: 'model', id: i.model }),
  };
}

type Ctx = { tx: Parameters<typeof findModelOwnership>[0]; input: TGrantInput; actor: { userId: string }; auditDetails: Record<string, unknown> };

export async function grantWork(ctx: Ctx) {
  const model = await findModelOwnership(ctx.tx, ctx.input.model);
  const project = await findGrantee(ctx.tx, ctx.input.project);
  const { created } = await grantModel(ctx.tx, { model, project, grantedBy: ctx.actor.userId });
  Object.assign(ctx.auditDetails, { model: model.name, owner: model.owner?.slug, project: project.slug, created });
  return { model: model.name, project: project.slug, granted: true, created };
}

export async function revokeWork(ctx: Ctx) {
  const model = await findModelOwnership(ctx.tx, ctx.input.model);
  const project = await findGrantee(ctx.tx, ctx.input.project);
  await revokeModel(ctx.tx, { model, project });
  Object.assign(ctx.auditDetails, { model: model.name, owner: model.owner?.slug, project: project.slug });
  return { model: model.name, project: project.slug, granted: false };
}
