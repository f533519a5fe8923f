import { route } from '@/lib/auth/route';
import { projectOfUpload } from '@/lib/uploads/load-upload';
import { registerFiles } from '@/lib/uploads/register-files';
import { ZRegisterFiles } from '@/lib/uploads/schemas';

/** Declares up to 100 files at once; each single-PUT file comes back with its presigned URL. */
export const POST = route(
  {
    action: 'upload.file.register',
    permission: 'study:upload',
    input: ZRegisterFiles,
    project: (i, db) => projectOfUpload(db, i.upload),
    target: (i) => ({ type: 'upload', id: i.upload }),
  },
  async (ctx) => {
    const files = await registerFiles(ctx.tx, {
      projectId: ctx.project!.id,
      uploadId: ctx.input.upload,
      files: ctx.input.files,
      caller: { role: ctx.role, projectId: ctx.project!.id },
    });
    // never the names: a client's file name may identify a patient
    ctx.auditDetails.files = files.map(({ file, signed }) => ({
      file: file.id,
      index: file.index,
      size: file.size,
      status: file.status,
      ...(signed ? { presignedUntil: signed.expiresAt } : {}),
    }));
    return { files };
  },
);
