import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import { findModelOwnership } from '../models/model-access';
import type { Actor } from './actor';
import type { Authorized } from './authorize';
import { can, type Permission } from './permissions';

/**
 * Checks `permission` for `actor` on a model: it comes from the actor's role in the model's owning
 * project only (a model serves its owner and the projects granted it; a member of another project
 * changes nothing that serves them). The refusal names the model and its owner, so the caller knows
 * whom to ask; it is audited in the owner's log.
 */
export async function authorizeModel(db: DbOrTx, actor: Actor, permission: Permission, modelRef: string): Promise<Authorized> {
  const model = await findModelOwnership(db, modelRef);
  if (!model.owner) {
    throw new AppError(
      'forbidden',
      `model ${model.name} has no owning project, so nobody may change it: register it again with --project <slug> to name its owner`,
    );
  }
  const membership = actor.memberships.find((m) => m.projectId === model.owner!.id);
  if (!membership) {
    throw new AppError(
      'forbidden',
      `model ${model.name} belongs to project ${model.owner.slug}: only its operators and admins may do this, and you are not a member of ${model.owner.slug}`,
      { projectId: model.owner.id },
    );
  }
  if (!can(membership.role, permission)) {
    throw new AppError(
      'forbidden',
      `model ${model.name} belongs to project ${model.owner.slug}, where your role (${membership.role}) does not allow ${permission}`,
      { projectId: model.owner.id },
    );
  }
  return { project: { id: model.owner.id, slug: model.owner.slug }, role: membership.role };
}
