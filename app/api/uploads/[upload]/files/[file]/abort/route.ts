import { route } from '@/lib/auth/route';
import { abortUploadFile } from '@/lib/uploads/abort-upload-file';
import { loadUploadFile, projectOfUpload } from '@/lib/uploads/load-upload';
import { ZFileRef } from '@/lib/uploads/schemas';

/** Cancels one unfinished file and releases its parts in the store. */
export const POST = route(
  {
    action: 'upload.file.abort',
    permission: 'study:upload',
    input: ZFileRef,
    project: (i, db) => projectOfUpload(db, i.upload),
    target: (i) => ({ type: 'upload_file', id: i.file }),
  },
  async (ctx) => {
    const { file } = await loadUploadFile(ctx.tx, { uploadId: ctx.input.upload, fileId: ctx.input.file, projectId: ctx.project!.id });
    return { file: await abortUploadFile(ctx.tx, { file, reason: `${file.fileName}: cancelled` }) };
  },
);
