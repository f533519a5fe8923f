import { and, count, eq } from 'drizzle-orm';
import { studies, uploads } from '@/db/schema';
import type { Tx } from '../db';
import { AppError, isUniqueViolation } from '../errors';

/**
 * Opens an upload session into a study of the project: the given one, or a new study labelled
 * S-0001, S-0002… (non-identifying; headers fill in the pseudonymous subject later).
 */
export async function createUpload(
  tx: Tx,
  p: { projectId: string; userId: string; studyId?: string },
): Promise<{ uploadId: string; studyId: string; studyLabel: string }> {
  let study: { id: string; label: string } | undefined;
  if (p.studyId) {
    [study] = await tx
      .select({ id: studies.id, label: studies.label })
      .from(studies)
      .where(and(eq(studies.id, p.studyId), eq(studies.projectId, p.projectId)))
      .limit(1);
    if (!study) throw new AppError('not_found', `study ${p.studyId} not found in this project`);
  } else {
    const [{ n }] = await tx.select({ n: count() }).from(studies).where(eq(studies.projectId, p.projectId));
    for (let attempt = 0; !study; attempt++) {
      const label = `S-${String(n + 1 + attempt).padStart(4, '0')}`;
      try {
        // a savepoint, so a label taken by a concurrent upload does not abort the transaction
        [study] = await tx.transaction((sp) =>
          sp.insert(studies).values({ projectId: p.projectId, label, createdBy: p.userId }).returning({ id: studies.id, label: studies.label }),
        );
      } catch (err) {
        if (!isUniqueViolation(err) || attempt > 20) throw err;
      }
    }
  }
  const [upload] = await tx.insert(uploads).values({ projectId: p.projectId, studyId: study.id, createdBy: p.userId }).returning({ id: uploads.id });
  return { uploadId: upload.id, studyId: study.id, studyLabel: study.label };
}
