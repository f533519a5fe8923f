import { and, eq, inArray, isNull } from 'drizzle-orm';
import pLimit from 'p-limit';
import { uploadFiles } from '@/db/schema';
import type { Tx } from '../db';
import { isAppError } from '../errors';
import { completeUploadFile } from './complete-upload-file';
import { loadUploadFile } from './load-upload';
import { readStoredObject } from './read-stored-object';
import type { BatchFileResult } from './schemas';

/** object read-backs of one batch in flight at a time */
const READS_IN_FLIGHT = 4;

/**
 * Completes several single-PUT files of one upload in one request: each is checked and indexed as
 * `completeUploadFile` does, in a savepoint of its own, so a file that cannot be completed yet
 * (nothing uploaded, another request completing it) answers its own error and leaves the others'
 * work in place; a rejected file answers its reason (recorded, as one at a time). Anything else
 * (the database, the store) fails the whole request, and the client completes again.
 */
export async function completeFiles(tx: Tx, p: { projectId: string; uploadId: string; fileIds: string[] }): Promise<BatchFileResult[]> {
  const ids = [...new Set(p.fileIds)];
  // the read-backs of this batch's single-PUT files go side by side (READS_IN_FLIGHT at a time) while
  // each file is checked and indexed in order; a file whose read fails answers that, as one at a time
  const keys = new Map(
    (
      await tx
        .select({ id: uploadFiles.id, key: uploadFiles.key })
        .from(uploadFiles)
        // files still open only: a verified or rejected one answers its status without a read
        .where(
          and(
            eq(uploadFiles.uploadId, p.uploadId),
            inArray(uploadFiles.id, ids),
            isNull(uploadFiles.multipartId),
            inArray(uploadFiles.status, ['pending', 'uploading', 'uploaded']),
          ),
        )
    ).map((f) => [f.id, f.key]),
  );
  const limit = pLimit(READS_IN_FLIGHT);
  const reads = new Map([...keys].map(([id, key]) => [id, limit(() => readStoredObject({ key }))]));
  for (const r of reads.values()) r.catch(() => {}); // settled where it is used (or not used: a file already complete)
  const out: BatchFileResult[] = [];
  for (const id of ids) {
    try {
      const file = await tx.transaction(async (sp) => {
        const loaded = await loadUploadFile(sp, { uploadId: p.uploadId, fileId: id, projectId: p.projectId, forUpdate: true });
        return completeUploadFile(sp, { ...loaded, read: reads.get(id) });
      });
      out.push({ id, file });
    } catch (err) {
      if (!isAppError(err)) throw err;
      out.push({ id, error: { code: err.code, message: err.message } });
    }
  }
  return out;
}
