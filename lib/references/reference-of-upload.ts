import { eq } from 'drizzle-orm';
import { studyReferences, type StudyReference } from '@/db/schema';
import type { DbOrTx } from '../db';

/** The reference an upload was opened for, or undefined for an upload of images. */
export async function referenceOfUpload(db: DbOrTx, uploadId: string): Promise<StudyReference | undefined> {
  const [row] = await db.select().from(studyReferences).where(eq(studyReferences.uploadId, uploadId)).limit(1);
  return row;
}
