import { route } from '@/lib/auth/route';
import { stageRegistration } from '@/lib/models/registration/stage-registration';
import { ZStageRegistration } from '@/lib/models/registration/schemas';

/**
 * POST /api/models/:model/versions — opens the registration of a version (operators, admins):
 * { version, project?, onnx, spec, references?: [{ input, mask }] }, each file { name, size, sha256 }.
 * Answers a presigned PUT per file under models/_staging/ (the bytes never pass through this server)
 * and the URL to complete at (…/versions/:version/complete), where the version is checked and created.
 */
export const POST = route(
  {
    action: 'model.version.stage',
    permission: 'model:register',
    input: ZStageRegistration,
    project: (i) => i.project ?? null,
    target: (i) => ({ type: 'model_version', id: `${i.model}@${i.version}` }),
  },
  async (ctx) => {
    const registration = await stageRegistration(ctx.tx, { input: ctx.input, userId: ctx.actor.userId, projectId: ctx.project?.id ?? null, role: ctx.role });
    Object.assign(ctx.auditDetails, {
      registration: registration.id,
      onnx: { size: ctx.input.onnx.size, sha256: ctx.input.onnx.sha256 },
      references: ctx.input.references.length,
    });
    return { registration };
  },
);
