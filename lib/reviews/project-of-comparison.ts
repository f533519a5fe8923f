import { eq } from 'drizzle-orm';
import { comparisons } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';

/** The project a comparison belongs to: what the guard checks the reviewer's role against. */
export async function projectOfComparison(db: DbOrTx, comparisonId: string): Promise<string> {
  const [row] = await db.select({ projectId: comparisons.projectId }).from(comparisons).where(eq(comparisons.id, comparisonId)).limit(1);
  if (!row) throw new AppError('not_found', `review case ${comparisonId} not found`);
  return row.projectId;
}
