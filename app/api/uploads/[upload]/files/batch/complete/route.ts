import { route } from '@/lib/auth/route';
import { completeFiles } from '@/lib/uploads/complete-files';
import { projectOfUpload } from '@/lib/uploads/load-upload';
import { ZCompleteFiles } from '@/lib/uploads/schemas';

/**
 * Checks and indexes up to 100 single-PUT files at once: each answers its final status (verified, or
 * rejected with its reason) or why it could not be completed yet; a multipart file completes on its
 * own route, with its parts.
 */
export const POST = route(
  {
    action: 'upload.file.complete',
    permission: 'study:upload',
    input: ZCompleteFiles,
    project: (i, db) => projectOfUpload(db, i.upload),
    target: (i) => ({ type: 'upload', id: i.upload }),
  },
  async (ctx) => {
    const files = await completeFiles(ctx.tx, { projectId: ctx.project!.id, uploadId: ctx.input.upload, fileIds: ctx.input.files });
    ctx.auditDetails.files = files.map((r) => ('file' in r ? { file: r.id, status: r.file.status } : { file: r.id, error: r.error.code }));
    return { files };
  },
);
