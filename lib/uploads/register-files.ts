import { inArray } from 'drizzle-orm';
import { uploadFiles } from '@/db/schema';
import type { Role } from '../auth/permissions';
import type { Tx } from '../db';
import { fileDto } from './load-upload';
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
    rows.map(async (row) => ({
      file: fileDto(row),
      signed: row.status === 'pending' && !row.multipartId ? await presignFilePart({ file: row, caller: p.caller }) : null,
    })),
  );
  const signed = rows.filter((_, i) => out[i].signed).map((r) => r.id);
  if (signed.length) await tx.update(uploadFiles).set({ status: 'uploading', updatedAt: new Date() }).where(inArray(uploadFiles.id, signed));
  return out;
}
