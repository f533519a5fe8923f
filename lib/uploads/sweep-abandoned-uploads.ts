import { and, eq, inArray, lt, notInArray, sql } from 'drizzle-orm';
import { uploadFiles, uploads } from '@/db/schema';
import type { DbOrTx } from '../db';
import { releaseStoredParts } from './abort-upload-file';

/** Uploads untouched this long are abandoned: a day, as the bucket lifecycle rule. */
export const ABANDONED_AFTER_MS = 24 * 60 * 60 * 1000;

export interface SweepResult {
  files: number;
  uploads: number;
}

/**
 * Aborts the multipart uploads (and partial objects) of files nobody finished, marks them aborted,
 * and closes uploads left with nothing to do. Safe to run from several processes: each file is
 * claimed by its status update before its parts are released. `deploy/s3/bucket-lifecycle.json`
 * is the backstop for parts the database never knew about.
 */
export async function sweepAbandonedUploads(db: DbOrTx, opts: { olderThanMs?: number; now?: Date } = {}): Promise<SweepResult> {
  const cutoff = new Date((opts.now ?? new Date()).getTime() - (opts.olderThanMs ?? ABANDONED_AFTER_MS));
  const stale = await db
    .select({ id: uploadFiles.id, key: uploadFiles.key, multipartId: uploadFiles.multipartId, fileName: uploadFiles.fileName })
    .from(uploadFiles)
    .where(and(inArray(uploadFiles.status, ['pending', 'uploading', 'uploaded']), lt(uploadFiles.updatedAt, cutoff)));
  let files = 0;
  for (const f of stale) {
    const claimed = await db
      .update(uploadFiles)
      .set({ status: 'aborted', error: `${f.fileName}: abandoned (no activity for a day); upload it again`, updatedAt: new Date() })
      .where(and(eq(uploadFiles.id, f.id), inArray(uploadFiles.status, ['pending', 'uploading', 'uploaded'])))
      .returning({ id: uploadFiles.id });
    if (!claimed.length) continue;
    await releaseStoredParts(f);
    files++;
  }
  const closed = await db
    .update(uploads)
    .set({ status: 'aborted', completedAt: new Date() })
    .where(
      and(
        eq(uploads.status, 'open'),
        lt(uploads.createdAt, cutoff),
        notInArray(
          uploads.id,
          db
            .select({ id: uploadFiles.uploadId })
            .from(uploadFiles)
            .where(inArray(uploadFiles.status, ['pending', 'uploading', 'uploaded'])),
        ),
        sql`not exists (select 1 from ${uploadFiles} f where f.upload_id = ${uploads.id} and f.status = 'verified')`,
      ),
    )
    .returning({ id: uploads.id });
  return { files, uploads: closed.length };
}
