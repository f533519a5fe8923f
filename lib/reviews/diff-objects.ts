import { and, eq } from 'drizzle-orm';
import { runs, runSteps } from '@/db/schema';
import { parseStepOutputs } from '@/db/schema/run-json';
import type { DbOrTx } from '../db';
import { stepOutput } from '../pipeline/steps';
import type { ImageObjectRef } from '../viewer/run-image-objects';

/**
 * The compare step's difference labelmap and disagreement profile of a run (lib/pipeline/steps.ts
 * outputs `diff` and `profile`), or null when the run has no succeeded compare step that wrote them
 * (no shadow, not compared yet, or compared before the step wrote them). A run of another
 * project answers null.
 */
export async function findDiffObjects(db: DbOrTx, p: { runId: string; projectId: string }): Promise<{ diff: ImageObjectRef; profile: ImageObjectRef } | null> {
  const [step] = await db
    .select()
    .from(runSteps)
    .innerJoin(runs, eq(runs.id, runSteps.runId))
    .where(and(eq(runSteps.runId, p.runId), eq(runs.projectId, p.projectId), eq(runSteps.name, 'compare'), eq(runSteps.status, 'succeeded')))
    .limit(1);
  if (!step) return null;
  const outputs = parseStepOutputs(step.run_steps);
  const ref = (o: { key: string; versionId: string | null; sha256: string; size: number } | undefined) =>
    o ? { key: o.key, versionId: o.versionId, sha256: o.sha256, size: o.size } : null;
  const diff = ref(stepOutput(outputs, 'compare', 'diff'));
  const profile = ref(stepOutput(outputs, 'compare', 'profile'));
  return diff && profile ? { diff, profile } : null;
}
