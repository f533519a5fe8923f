import { z } from 'zod';
import { ZSha256Hex, ZTimestamp } from './manifest-schema';

export const PROMOTION_EVIDENCE_SCHEMA = 'segflow.promotion-evidence/1';

const ZPerson = z.strictObject({ id: z.uuid(), email: z.email() });

/**
 * The promotion evidence record (schema `segflow.promotion-evidence/1`): what an approval rested on,
 * written once to `manifests/promotions/<model>/<request event>.json` in the same signed envelope as
 * run manifests (sign-manifest.ts), so `segflow manifest verify` checks it with the platform's key:
 * the gate's inputs (the compared runs by id, the checks with their values — Dice quantiles, failure
 * rate, latency, reviewers' verdicts), the policy, the requesters, the approver and the reason.
 */
export const ZPromotionEvidence = z.strictObject({
  schema: z.literal(PROMOTION_EVIDENCE_SCHEMA),
  model: z.strictObject({ id: z.uuid(), name: z.string().min(1) }),
  version: z.strictObject({ id: z.uuid(), version: z.string().min(1), sha256: ZSha256Hex }),
  from: z.strictObject({ stage: z.enum(['shadow', 'canary']), percent: z.number().int().nullable() }),
  to: z.union([z.strictObject({ stage: z.literal('canary'), percent: z.number().int() }), z.strictObject({ stage: z.literal('live') })]),
  /** the gate_passed slot event this approval granted */
  requestEvent: z.uuid(),
  requesters: z.array(ZPerson.extend({ at: ZTimestamp })).min(1),
  approver: ZPerson,
  approvedAt: ZTimestamp,
  reason: z.string().min(1),
  /** the runs the gate counted: compared shadow runs (shadow gate); the canary's runs are counted, not listed */
  caseRuns: z.array(z.uuid()),
  // the gate evaluation as the approval saw it (checks, policy, counts): JSON-safe values only
  gate: z.record(z.string(), z.json()),
});
export type TPromotionEvidence = z.infer<typeof ZPromotionEvidence>;
