import { and, inArray } from 'drizzle-orm';
import { uploadFiles } from '@/db/schema';
import type { Tx } from '../db';

/** Each presign counts as activity, so the sweeper never aborts an upload that is still sending. */
export async function markFilesSending(tx: Tx, p: { fileIds: string[] }): Promise<void> {
  if (p.fileIds.length === 0) return;
  await tx
    .update(uploadFiles)
    .set({ status: 'uploading', updatedAt: new Date() })
    .where(and(inArray(uploadFiles.id, p.fileIds), inArray(uploadFiles.status, ['pending', 'uploading'])));
}
