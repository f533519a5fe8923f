import { eq } from 'drizzle-orm';
import { modelRegistrations } from '@/db/schema';
import type { DbOrTx } from '@/lib/db';

/** The project a registration was staged in (model:register is checked there again), or null. */
export async function projectOfRegistration(db: DbOrTx, registrationId: string): Promise<string | null> {
  const [row] = await db.select({ projectId: modelRegistrations.projectId }).from(modelRegistrations).where(eq(modelRegistrations.id, registrationId)).limit(1);
  return row?.projectId ?? null;
}
