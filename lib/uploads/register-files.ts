import type { Role } from '../auth/permissions';
import type { Tx } from '../db';
import { fileDto } from './load-upload';
import { markFilesSending } from './mark-file-sending';
import { presignFilePart } from './presign-file-part';
import { declareUploadFiles, type DeclaredFile } from './register-upload-file';
import type { SignedPart, UploadFileDto } from './schemas';

/**
 * Declares files of one upload (one, or a batch of up to 100) and answers, with each file that goes
 * in one PUT (not multipart, not refused), its presigned URL: one round trip fewer per small file (a
 * DICOM instance), the same URL `…/sign` gives (scoped to the file's key, exact length and SHA-256,
 * at most 15 minutes). A retry after the URL expired signs again through `…/sign`. A signed file is
 * marked as sending, as a presign does (the sweeper leaves it alone).
 */
export async function registerFiles(
  tx: Tx,
  p: { projectId: string; uploadId: string; files: DeclaredFile[]; caller: { role: Role | null; projectId: string } },
): Promise<{ file: UploadFileDto; signed: SignedPart | null }[]> {
  const rows = await declareUploadFiles(tx, p);
  const out = await Promise.all(
    rows.map(async (row) => {
      if (row.status !== 'pending' || row.multipartId) return { file: fileDto(row), signed: null };
      const signed = await presignFilePart({ file: row, caller: p.caller });
      return { file: fileDto({ ...row, status: 'uploading' }), signed };
    }),
  );
  await markFilesSending(tx, { fileIds: out.filter((o) => o.signed).map((o) => o.file.id) });
  return out;
}
