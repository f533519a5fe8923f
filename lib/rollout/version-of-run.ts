import { and, eq, inArray } from 'drizzle-orm';
import { models, modelVersions, runs } from '@/db/schema';
import type { DbOrTx } from '../db';
import { whichVersionWasLive } from './which-version-was-live';

export interface RunVersions {
  runId: string;
  model: string | null;
  /** the version whose mask the run returned (live or canary); null for a run without a model */
  served: { role: 'live' | 'canary' | 'shadow' | null; versionId: string; version: string; sha256: string } | null;
  /** the shadow whose mask was stored and compared, never shown */
  shadow: { versionId: string; version: string; sha256: string } | null;
  /** the model's live version when the run was submitted (differs from served for a canary run) */
  liveAtSubmission: { versionId: string; version: string } | null;
}

/** Which version produced a run's mask (runs.modelVersionId / servedBy), and which was live then. */
export async function versionOfRun(db: DbOrTx, p: { runId: string; projectId: string }): Promise<RunVersions | null> {
  const [run] = await db
    .select({ id: runs.id, createdAt: runs.createdAt, servedBy: runs.servedBy, modelVersionId: runs.modelVersionId, shadowVersionId: runs.shadowVersionId })
    .from(runs)
    .where(and(eq(runs.id, p.runId), eq(runs.projectId, p.projectId)));
  if (!run) return null;
  const ids = [run.modelVersionId, run.shadowVersionId].filter((x): x is string => Boolean(x));
  const versions = ids.length
    ? await db
        .select({ id: modelVersions.id, version: modelVersions.version, sha256: modelVersions.sha256, modelId: modelVersions.modelId, model: models.name })
        .from(modelVersions)
        .innerJoin(models, eq(models.id, modelVersions.modelId))
        .where(inArray(modelVersions.id, ids))
    : [];
  const served = versions.find((v) => v.id === run.modelVersionId);
  const shadow = versions.find((v) => v.id === run.shadowVersionId);
  const live = served ? await whichVersionWasLive(db, { modelId: served.modelId, at: run.createdAt }) : null;
  return {
    runId: run.id,
    model: served?.model ?? shadow?.model ?? null,
    served: served ? { role: run.servedBy, versionId: served.id, version: served.version, sha256: served.sha256 } : null,
    shadow: shadow ? { versionId: shadow.id, version: shadow.version, sha256: shadow.sha256 } : null,
    liveAtSubmission: live ? { versionId: live.versionId, version: live.version } : null,
  };
}
