import { route } from '@/lib/auth/route';
import { loadUploadFile, projectOfUpload } from '@/lib/uploads/load-upload';
import { markFilesSending } from '@/lib/uploads/mark-file-sending';
import { presignFilePart } from '@/lib/uploads/presign-file-part';
import { ZSignPart } from '@/lib/uploads/schemas';

/** A short-lived presigned PUT for the file (or one part of it); each call is an audit event. */
export const POST = route(
  {
    action: 'upload.presign',
    permission: 'study:upload',
    input: ZSignPart,
    project: (i, db) => projectOfUpload(db, i.upload),
    target: (i) => ({ type: 'upload_file', id: i.file }),
  },
  async (ctx) => {
    const { file } = await loadUploadFile(ctx.tx, { uploadId: ctx.input.upload, fileId: ctx.input.file, projectId: ctx.project!.id });
    const signed = await presignFilePart({
      file,
      partNumber: ctx.input.partNumber,
      partCrc32: ctx.input.partCrc32,
      caller: { role: ctx.role, projectId: ctx.project!.id },
    });
    await markFilesSending(ctx.tx, { fileIds: [file.id] });
    Object.assign(ctx.auditDetails, { key: file.key, part: signed.partNumber, expiresAt: signed.expiresAt });
    return signed;
  },
);
