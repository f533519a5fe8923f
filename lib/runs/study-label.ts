import { eq } from 'drizzle-orm';
import { studies } from '@/db/schema';
import type { DbOrTx } from '../db';

/** the pseudonymous label a run's study is shown with */
export async function studyLabelOf(db: DbOrTx, studyId: string): Promise<string> {
  const [row] = await db.select({ label: studies.label }).from(studies).where(eq(studies.id, studyId));
  return row?.label ?? '';
}
