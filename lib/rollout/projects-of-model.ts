import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db';

/**
 * The projects a model concerns: those with runs of any of its versions (models are platform-wide;
 * a project that never ran one hears nothing of its rollout). One index probe per project
 * (runs_project_version_idx), not a scan of all runs.
 */
export async function projectsOfModel(db: DbOrTx, modelId: string): Promise<string[]> {
  const rows = await db.execute<{ id: string }>(sql`
    SELECT p.id FROM projects p
    WHERE EXISTS (
      SELECT 1 FROM runs r
      WHERE r.project_id = p.id AND r.model_version_id IN (SELECT mv.id FROM model_versions mv WHERE mv.model_id = ${modelId})
    )`);
  return [...rows].map((r) => r.id);
}
