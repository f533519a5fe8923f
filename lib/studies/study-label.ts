import { eq } from 'drizzle-orm';
import { studies } from '@/db/schema';
import type { DbOrTx } from '@/lib/db';

/** A study's pseudonymous label (what run lists and pages show; never PHI). */
export async function studyLabel(db: DbOrTx, studyId: string): Promise<string> {
  const [study] = await db.select({ label: studies.label }).from(studies).where(eq(studies.id, studyId));
  return study?.label ?? '(deleted study)';
}
