import { desc, eq, sql } from 'drizzle-orm';
import { series, studies } from '@/db/schema';
import type { DbOrTx } from '../db';

export interface StudyListItem {
  id: string;
  label: string;
  subjectPseudonym: string | null;
  createdAt: Date;
  seriesCount: number;
  modalities: string[];
}

/** Studies of one project, newest first, with pseudonymous fields only. */
export async function listStudies(db: DbOrTx, p: { projectId: string; limit?: number }): Promise<StudyListItem[]> {
  const rows = await db
    .select({
      id: studies.id,
      label: studies.label,
      subjectPseudonym: studies.subjectPseudonym,
      createdAt: studies.createdAt,
      seriesCount: sql<number>`count(${series.id})::int`,
      modalities: sql<string[]>`coalesce(array_agg(distinct ${series.modality}) filter (where ${series.modality} is not null), '{}')`,
    })
    .from(studies)
    .leftJoin(series, eq(series.studyId, studies.id))
    .where(eq(studies.projectId, p.projectId))
    .groupBy(studies.id)
    .orderBy(desc(studies.createdAt))
    .limit(p.limit ?? 200);
  return rows;
}
