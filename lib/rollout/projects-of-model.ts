import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db';
import { projectsGrantedModel } from '../models/model-access';

/**
 * The projects a model concerns (their audit logs and webhooks hear of its rollout): its owner and
 * the projects granted it. A model without an owner serves every project; those that ran it hear of
 * it (one index probe per project, runs_project_version_idx, not a scan of all runs).
 */
export async function projectsOfModel(db: DbOrTx, modelId: string): Promise<string[]> {
  const granted = await projectsGrantedModel(db, modelId);
  if (granted.length) return granted;
  const rows = await db.execute<{ id: string }>(sql`
    SELECT p.id FROM projects p
    WHERE EXISTS (
      SELECT 1 FROM runs r
      WHERE r.project_id = p.id AND r.model_version_id IN (SELECT mv.id FROM model_versions mv WHERE mv.model_id = ${modelId})
    )`);
  return [...rows].map((r) => r.id);
}
