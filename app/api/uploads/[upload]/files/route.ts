import { route } from '@/lib/auth/route';
import { projectOfUpload } from '@/lib/uploads/load-upload';
import { registerUploadFile } from '@/lib/uploads/register-upload-file';
import { ZRegisterFile } from '@/lib/uploads/schemas';

/** Declares one file (name, size, SHA-256); the server gives it a key and, when large, a multipart upload. */
export const POST = route(
  {
    action: 'upload.file.register',
    permission: 'study:upload',
    input: ZRegisterFile,
    project: (i, db) => projectOfUpload(db, i.upload),
    target: (i) => ({ type: 'upload', id: i.upload }),
  },
  async (ctx) => {
    const file = await registerUploadFile(ctx.tx, {
      projectId: ctx.project!.id,
      uploadId: ctx.input.upload,
      name: ctx.input.name,
      size: ctx.input.size,
      sha256: ctx.input.sha256,
    });
    Object.assign(ctx.auditDetails, { file: file.id, index: file.index, size: file.size, status: file.status });
    return { file };
  },
);
