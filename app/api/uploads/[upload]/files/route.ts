import { route } from '@/lib/auth/route';
import { projectOfUpload } from '@/lib/uploads/load-upload';
import { registerFiles } from '@/lib/uploads/register-files';
import { ZRegisterFile } from '@/lib/uploads/schemas';

/**
 * Declares one file (name, size, SHA-256); the server gives it a key and, when large, a multipart
 * upload; a file sent in one PUT gets its presigned URL in the same answer (`signed`).
 */
export const POST = route(
  {
    action: 'upload.file.register',
    permission: 'study:upload',
    input: ZRegisterFile,
    project: (i, db) => projectOfUpload(db, i.upload),
    target: (i) => ({ type: 'upload', id: i.upload }),
  },
  async (ctx) => {
    const [{ file, signed }] = await registerFiles(ctx.tx, {
      projectId: ctx.project!.id,
      uploadId: ctx.input.upload,
      files: [{ name: ctx.input.name, size: ctx.input.size, sha256: ctx.input.sha256 }],
      caller: { role: ctx.role, projectId: ctx.project!.id },
    });
    Object.assign(ctx.auditDetails, {
      file: file.id,
      index: file.index,
      size: file.size,
      status: file.status,
      ...(signed ? { presignedUntil: signed.expiresAt } : {}),
    });
    return { file, signed };
  },
);
