import { eq } from 'drizzle-orm';
import { projects } from '@/db/schema';
import type { DbOrTx } from '../db';

/** What the project's admin page shows of it (never its de-identification secret). */
export async function getProjectSummary(db: DbOrTx, projectId: string): Promise<{ slug: string; name: string; archivedAt: string | null }> {
  const [p] = await db.select({ slug: projects.slug, name: projects.name, archivedAt: projects.archivedAt }).from(projects).where(eq(projects.id, projectId));
  return { slug: p.slug, name: p.name, archivedAt: p.archivedAt?.toISOString() ?? null };
}
