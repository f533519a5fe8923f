import { route } from '@/lib/auth/route';
import { listFileParts } from '@/lib/uploads/list-file-parts';
import { loadUploadFile, projectOfUpload } from '@/lib/uploads/load-upload';
import { ZFileRef } from '@/lib/uploads/schemas';

/** The parts the store already holds for a multipart file (ListParts): a resuming client skips them. */
export const GET = route(
  {
    action: 'upload.parts',
    permission: 'study:upload',
    input: ZFileRef,
    project: (i, db) => projectOfUpload(db, i.upload),
    target: (i) => ({ type: 'upload_file', id: i.file }),
  },
  async (ctx) => {
    const { file } = await loadUploadFile(ctx.tx, { uploadId: ctx.input.upload, fileId: ctx.input.file, projectId: ctx.project!.id });
    return listFileParts(file);
  },
);
