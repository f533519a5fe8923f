import { NextResponse } from 'next/server';
import { route } from '@/lib/auth/route';
import { completeUploadFile } from '@/lib/uploads/complete-upload-file';
import { loadUploadFile, projectOfUpload } from '@/lib/uploads/load-upload';
import { ZCompleteFile } from '@/lib/uploads/schemas';

/**
 * Assembles and checks one file (size, SHA-256, header) and indexes it. A rejected file answers 422
 * with its reason; the rejection itself is recorded (the transaction commits).
 */
export const POST = route(
  {
    action: 'upload.file.complete',
    permission: 'study:upload',
    input: ZCompleteFile,
    project: (i, db) => projectOfUpload(db, i.upload),
    target: (i) => ({ type: 'upload_file', id: i.file }),
  },
  async (ctx) => {
    const { upload, file } = await loadUploadFile(ctx.tx, { uploadId: ctx.input.upload, fileId: ctx.input.file, projectId: ctx.project!.id, forUpdate: true });
    const out = await completeUploadFile(ctx.tx, { upload, file, parts: ctx.input.parts });
    // never the message: it starts with the client's file name, which may identify a patient
    Object.assign(ctx.auditDetails, { key: file.key, status: out.status });
    return NextResponse.json({ file: out }, { status: out.status === 'rejected' ? 422 : 200 });
  },
);
