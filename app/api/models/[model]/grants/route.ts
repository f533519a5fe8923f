import { z } from 'zod';
import { route } from '@/lib/auth/route';
import { grantSpec, grantWork, revokeWork } from '@/lib/models/grant-endpoints';
import { findModelOwnership } from '@/lib/models/model-access';
import { listModelGrants } from '@/lib/models/model-grants';

/** GET /api/models/:model/grants: the owner and the projects granted the model (members of the owning project). */
export const GET = route(
  {
    action: 'model.grants.read',
    permission: 'model:read',
    input: z.object({ model: z.string().min(1).max(128) }),
    project: () => null,
    model: (i) => i.model,
    target: (i) => ({ type: 'model', id: i.model }),
  },
  async (ctx) => {
    const m = await findModelOwnership(ctx.tx, ctx.input.model);
    return { model: m.name, owner: m.owner?.slug ?? null, grants: await listModelGrants(ctx.tx, m.id) };
  },
);

/** POST /api/models/:model/grants {project}: lets another project run the model (its owner's operators, admins). */
export const POST = route(grantSpec('model.grant'), grantWork);

/** DELETE /api/models/:model/grants {project}: takes a grant back; the project's new runs of the model are refused. */
export const DELETE = route(grantSpec('model.revoke'), revokeWork);
