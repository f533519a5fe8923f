import { route } from '@/lib/auth/route';
import { finishUpload } from '@/lib/uploads/finish-upload';
import { loadUpload, projectOfUpload } from '@/lib/uploads/load-upload';
import { ZUploadRef } from '@/lib/uploads/schemas';

/** Closes the upload and answers the study summary: series, volumes and rejected files. */
export const POST = route(
  {
    action: 'upload.complete',
    permission: 'study:upload',
    input: ZUploadRef,
    project: (i, db) => projectOfUpload(db, i.upload),
    target: (i) => ({ type: 'upload', id: i.upload }),
  },
  async (ctx) => finishUpload(ctx.tx, { upload: await loadUpload(ctx.tx, { uploadId: ctx.input.upload, projectId: ctx.project!.id }) }),
);
