import { NextResponse } from 'next/server';
import { route } from '@/lib/auth/route';
import { prepareCompletionInChildProcess } from '@/lib/models/registration/check-in-child-process';
import { completeRegistration } from '@/lib/models/registration/complete-registration';
import { projectOfRegistration } from '@/lib/models/registration/project-of-registration';
import { type TCompleteRegistration, ZCompleteRegistration } from '@/lib/models/registration/schemas';

/**
 * POST /api/models/:model/versions/:version/complete { registration } — validates the staged files
 * (declared size and SHA-256, spec, ONNX graph, a tiny run, parity against each reference pair) and
 * answers 200 with the version and its evidence, or 422 with the reasons (each naming its file or
 * field; per-label Dice and differing voxels when parity failed). The staged objects are deleted
 * either way; the refusal itself is recorded. The checks take seconds with reference pairs: they run
 * in a child process (the server goes on answering) before the transaction opens (no database,
 * embedded or not, is held meanwhile); only the outcome is written in it.
 */
export const POST = route(
  {
    action: 'model.version.register',
    permission: 'model:register',
    input: ZCompleteRegistration,
    project: (i, db) => projectOfRegistration(db, i.registration),
    target: (i) => ({ type: 'model_version', id: `${i.model}@${i.version}` }),
    prepare: (ctx) => prepareCompletionInChildProcess(completionOf(ctx)),
  },
  async (ctx) => {
    const out = await completeRegistration(ctx.tx, completionOf(ctx), ctx.prepared);
    Object.assign(
      ctx.auditDetails,
      out.status === 'accepted'
        ? { registration: ctx.input.registration, outcome: 'accepted', created: out.created, version: out.version.id, sha256: out.version.sha256 }
        : { registration: ctx.input.registration, outcome: 'refused', reasons: out.reasons.length, fields: out.reasons.map((r) => r.field).filter(Boolean) },
    );
    return NextResponse.json(out, { status: out.status === 'refused' ? 422 : 200 });
  },
);

function completionOf(ctx: { input: TCompleteRegistration; actor: { userId: string } }) {
  return { registrationId: ctx.input.registration, model: ctx.input.model, version: ctx.input.version, userId: ctx.actor.userId };
}
