import { eq } from 'drizzle-orm';
import { runs, runSteps, type Run } from '@/db/schema';
import type { DbOrTx } from '@/lib/db';
import { STEPS } from '@/lib/pipeline/steps';
import type { TObjectRef } from '@/lib/pipeline/step-contract';
import { storeInvocation } from '@/lib/pipeline/step-exchange';
import { buildInvocation, loadRunContext } from '../run-context';
import { ArgoError, submitWorkflow, type ArgoConnection } from './argo-client';
import { argoWorkflowParameters, deidSecretName, labelValue, workflowName } from './argo-parameters';
import { WORKFLOW_TEMPLATE_NAME } from './render-workflow-template';

export const RUN_LABEL = 'segflow.io/run';
export const PROJECT_LABEL = 'segflow.io/project';
export const workflowRef = (namespace: string, name: string) => `argo:${namespace}/${name}`;
const WORKFLOW_REF = /^argo:([^/]+)\/(.+)$/;
export function parseWorkflowRef(externalId: string | null): { namespace: string; name: string } | null {
  const m = WORKFLOW_REF.exec(externalId ?? '');
  return m ? { namespace: m[1], name: m[2] } : null;
}

/**
 * Submits a claimed run (status `running`, claimed by `claim.owner` with claimNextRun, no workflow
 * yet) to Argo, outside any transaction: every
 * worker task's invocation is stored in the bucket (the workflow carries references), the project's
 * de-identification secret stays in Kubernetes (the workflow names the Secret), and the workflow is
 * named from the run, so submitting again — after a lost answer, by a second executor — is refused
 * with 409 and the existing workflow is adopted instead of run twice. Only then does the run record
 * its workflow, and its lease is dropped (a submitted run is followed by whichever executor ticks).
 * An answer that never came (timeout) leaves the run to be submitted again next tick.
 */
export async function submitToArgo(db: DbOrTx, runId: string, conn: ArgoConnection, claim: { owner: string }): Promise<Run> {
  const c = await loadRunContext(db, runId);
  if (c.run.status !== 'running' || c.run.externalId || c.run.claimedBy !== claim.owner) {
    throw new Error(
      `run ${runId} is ${c.run.status}${c.run.externalId ? ` with workflow ${c.run.externalId}` : ''}${c.run.claimedBy !== claim.owner ? `, claimed by ${c.run.claimedBy ?? 'nobody'}` : ''}: not a run this executor claimed that waits for its workflow`,
    );
  }
  const invocations: Record<string, TObjectRef> = {};
  for (const t of c.tasks) if (STEPS[t.step].runsOn === 'worker') invocations[t.id] = await storeInvocation(buildInvocation(c, t, {}));
  const parameters = argoWorkflowParameters({ shadow: Boolean(c.params.shadow), invocations, deidSecretName: deidSecretName(c.run.projectId) });
  const name = workflowName(c.run.id);
  let namespace = conn.namespace;
  try {
    namespace = (
      await submitWorkflow({
        ...conn,
        templateName: WORKFLOW_TEMPLATE_NAME,
        parameters,
        labels: { [RUN_LABEL]: labelValue(c.run.id), [PROJECT_LABEL]: labelValue(c.run.projectId) },
        name,
      })
    ).namespace;
  } catch (err) {
    // 409: this run's workflow exists already (an earlier submission whose answer was lost): adopt it
    if (!(err instanceof ArgoError && err.status === 409)) throw err;
  }
  await db
    .insert(runSteps)
    .values(c.tasks.map((t) => ({ runId, name: t.id })))
    .onConflictDoNothing();
  const [row] = await db
    .update(runs)
    .set({ externalId: workflowRef(namespace, name), claimedBy: null, leaseExpiresAt: null })
    .where(eq(runs.id, runId))
    .returning();
  return row;
}
