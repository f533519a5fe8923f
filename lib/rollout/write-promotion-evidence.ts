import { eq } from 'drizzle-orm';
import { users } from '@/db/schema';
import type { DbOrTx } from '../db';
import { PROMOTION_EVIDENCE_SCHEMA, type TPromotionEvidence } from '../manifests/promotion-evidence-schema';
import { signEvidence } from '../manifests/sign-manifest';
import { loadSigningKey } from '../manifests/signing-key';
import { promotionEvidenceKey } from '../storage/keys';
import { putObjectOnce } from '../storage/put-object-once';
import type { GateCases, GateEvaluation } from './evaluate-gate';
import type { Candidate } from './get-candidate';
import type { PromotionRequest } from './promotion-requests';

/**
 * Writes the signed evidence record of an approval, once, to manifests/promotions/ (Object Lock in
 * production), before the slot changes: an approval whose record cannot be written does not happen,
 * and the slot event it leads to names the record's key (a record whose approval then rolled back
 * is named by no event). Returns its key.
 */
export async function writePromotionEvidence(
  db: DbOrTx,
  p: { candidate: Candidate; evaluation: GateEvaluation; data: GateCases; requests: PromotionRequest[]; approverId: string; reason: string },
): Promise<string> {
  const { candidate: c, evaluation } = p;
  const approvedAt = new Date();
  const [approver] = await db.select({ id: users.id, email: users.email }).from(users).where(eq(users.id, p.approverId));
  const request = p.requests.at(-1)!;
  const evidence: TPromotionEvidence = {
    schema: PROMOTION_EVIDENCE_SCHEMA,
    model: { id: c.model.id, name: c.model.name },
    version: { id: c.version.id, version: c.version.version, sha256: c.version.sha256 },
    from: { stage: c.stage, percent: c.percent },
    to: evaluation.target,
    requestEvent: request.eventId,
    requesters: p.requests
      .filter((r): r is PromotionRequest & { actorId: string; actorEmail: string } => Boolean(r.actorId && r.actorEmail))
      .map((r) => ({ id: r.actorId, email: r.actorEmail, at: r.at.toISOString() })),
    approver,
    approvedAt: approvedAt.toISOString(),
    reason: p.reason,
    caseRuns: p.data.stage === 'shadow' ? p.data.cases.comparisons.map((x) => x.runId) : [],
    gate: JSON.parse(JSON.stringify(evaluation)) as Record<string, never>,
  };
  const signed = signEvidence(evidence, loadSigningKey());
  const key = promotionEvidenceKey({ modelId: c.model.id, requestEventId: request.eventId, approvedAt });
  const { written } = await putObjectOnce({ key, body: new TextEncoder().encode(`${JSON.stringify(signed, null, 2)}\n`), contentType: 'application/json' });
  if (!written) throw new Error(`${key} exists already: an approval's evidence is written once`);
  return key;
}
