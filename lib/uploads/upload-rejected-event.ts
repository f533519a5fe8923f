import type { Upload, UploadFile } from '@/db/schema';
import type { DbOrTx } from '../db';
import { emitWebhookEvent } from '../webhooks/emit-webhook-event';

/**
 * Tells the project's webhooks that a file was refused. A file's name may identify the patient
 * (scanners and people name files after them), and a webhook leaves the platform: the body names
 * the file by its upload and index only, and the reason with the name replaced.
 */
export async function emitUploadRejected(
  db: DbOrTx,
  p: { upload: Pick<Upload, 'id' | 'projectId' | 'studyId'>; file: UploadFile; reason: string },
): Promise<void> {
  const label = `file #${p.file.index}`;
  await emitWebhookEvent(db, {
    projectIds: [p.upload.projectId],
    event: 'upload.rejected',
    data: {
      upload: p.upload.id,
      study: p.upload.studyId,
      file: { id: p.file.id, index: p.file.index, size: p.file.size },
      reason: p.file.fileName ? p.reason.split(p.file.fileName).join(label) : p.reason,
    },
  });
}
