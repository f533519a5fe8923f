import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { deploymentSlots, modelVersions, type Run, type SlotEvent } from '@/db/schema';
import { appendAuditEvent } from '../audit/append-audit-event';
import type { DbOrTx } from '../db';
import { describeFailures, evaluateCandidate } from './evaluate-gate';
import { AUTO_ROLLBACK_CHECKS } from './gate-checks';
import type { TGatePolicy } from './gate-policy';
import { emitWebhookEvent } from '../webhooks/emit-webhook-event';
import { getCandidate } from './get-candidate';
import { projectsOfModel } from './projects-of-model';
import { rollBackCandidate } from './roll-back-candidate';

/**
 * After a canary run: re-evaluates the canary gate over its runs at the current step and, once it
 * has the minimum number of runs, rolls it back when its failure rate or latency check fails (actor
 * null, the failing check as reason, audited as the platform). Returns the rollback event, or null.
 */
export async function rollBackFailingCanary(db: DbOrTx, run: Pick<Run, 'modelVersionId' | 'servedBy'>, policy?: TGatePolicy): Promise<SlotEvent | null> {
  if (run.servedBy !== 'canary' || !run.modelVersionId) return null;
  const [version] = await db.select({ modelId: modelVersions.modelId }).from(modelVersions).where(eq(modelVersions.id, run.modelVersionId));
  if (!version) return null;
  return db.transaction(async (tx) => {
    // still this run's canary? (it may have been promoted or rolled back meanwhile)
    const [slot] = await tx
      .select({ id: deploymentSlots.id })
      .from(deploymentSlots)
      .where(and(eq(deploymentSlots.modelId, version.modelId), eq(deploymentSlots.canaryVersionId, run.modelVersionId!)))
      .for('update');
    if (!slot) return null;
    const candidate = await getCandidate(tx, { modelId: version.modelId, stage: 'canary' });
    const { evaluation } = await evaluateCandidate(tx, candidate, policy);
    if (evaluation.cases < evaluation.minCases) return null;
    const failing = evaluation.checks.filter((c) => (AUTO_ROLLBACK_CHECKS as readonly string[]).includes(c.name) && c.value !== null && !c.passed);
    if (failing.length === 0) return null;
    const reason = `automatic rollback of ${candidate.model.name}@${candidate.version.version} at canary ${candidate.percent}%: ${describeFailures(failing)}`;
    const event = await rollBackCandidate(tx, {
      modelId: version.modelId,
      stage: 'canary',
      actorId: null,
      reason,
      gate: evaluation as unknown as Record<string, unknown>,
    });
    // into the log of every project that ran the model (one event each, one request id)
    const projectIds = await projectsOfModel(tx, version.modelId);
    const requestId = randomUUID();
    for (const projectId of projectIds.length ? projectIds : [null]) {
      await appendAuditEvent(tx, {
        actorLabel: 'segflow (automatic rollback)',
        action: 'promotion.auto_rollback',
        targetType: 'model',
        targetId: version.modelId,
        projectId,
        outcome: 'success',
        requestId,
        details: { version: candidate.version.version, percent: candidate.percent, failing: failing.map((c) => c.name) },
      });
    }
    await emitWebhookEvent(tx, {
      projectIds,
      event: 'canary.rolled_back',
      data: {
        model: { id: version.modelId, name: candidate.model.name },
        version: candidate.version.version,
        percent: candidate.percent,
        failing: failing.map((c) => ({ check: c.name, value: c.value })),
        reason,
      },
    });
    return event;
  });
}
