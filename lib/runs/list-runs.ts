import { and, desc, eq } from 'drizzle-orm';
import { runs, studies } from '@/db/schema';
import type { DbOrTx } from '../db';
import { runDto } from './run-dto';
import type { RunDto } from './schemas';

/** Runs of one project (or one study of it), newest first. */
export async function listRuns(db: DbOrTx, p: { projectId: string; studyId?: string; seeShadow: boolean; limit?: number }): Promise<RunDto[]> {
  const rows = await db
    .select({ run: runs, label: studies.label })
    .from(runs)
    .innerJoin(studies, eq(studies.id, runs.studyId))
    .where(and(eq(runs.projectId, p.projectId), p.studyId ? eq(runs.studyId, p.studyId) : undefined))
    .orderBy(desc(runs.createdAt))
    .limit(p.limit ?? 200);
  return rows.map((r) => runDto(r.run, r.label, p.seeShadow));
}
