import { route } from '@/lib/auth/route';
import { createUpload } from '@/lib/uploads/create-upload';
import { ZCreateUpload } from '@/lib/uploads/schemas';

/** Opens an upload into a new study of the project, or into `study`. */
export const POST = route(
  {
    action: 'upload.create',
    permission: 'study:upload',
    input: ZCreateUpload,
    project: (i) => i.project,
    target: (i) => ({ type: 'study', id: i.study ?? null }),
  },
  async (ctx) => {
    const out = await createUpload(ctx.tx, { projectId: ctx.project!.id, userId: ctx.actor.userId, studyId: ctx.input.study });
    ctx.auditDetails.upload = out.uploadId;
    return { upload: { id: out.uploadId, studyId: out.studyId, studyLabel: out.studyLabel, projectId: ctx.project!.id } };
  },
);
