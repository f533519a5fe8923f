import { and, eq, inArray } from 'drizzle-orm';
import { uploadFiles } from '@/db/schema';
import type { Tx } from '../db';

/** Each presign counts as activity, so the sweeper never aborts an upload that is still sending. */
export async function markFileSending(tx: Tx, p: { fileId: string }): Promise<void> {
  await tx
    .update(uploadFiles)
    .set({ status: 'uploading', updatedAt: new Date() })
    .where(and(eq(uploadFiles.id, p.fileId), inArray(uploadFiles.status, ['pending', 'uploading'])));
}
