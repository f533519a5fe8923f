import { route } from '@/lib/auth/route';
import { getUploadDto, projectOfUpload } from '@/lib/uploads/load-upload';
import { ZUploadRef } from '@/lib/uploads/schemas';

/** The upload and each file's state: what a resuming client matches its own record against. */
export const GET = route(
  {
    action: 'upload.read',
    permission: 'study:upload',
    input: ZUploadRef,
    project: (i, db) => projectOfUpload(db, i.upload),
    target: (i) => ({ type: 'upload', id: i.upload }),
  },
  async (ctx) => getUploadDto(ctx.tx, { uploadId: ctx.input.upload, projectId: ctx.project!.id }),
);
