import { firstIssue, plainIssueMessage } from '../util/input-issues';
import { eq, sql } from 'drizzle-orm';
import { models, users } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import { deploymentPolicyOverride, gatePolicy, layerPolicy, ZCanaryGatePolicy, ZGatePolicy, ZShadowGatePolicy, type TGatePolicy } from './gate-policy';

export interface ModelGatePolicy {
  /** the policy in force for this model */
  policy: TGatePolicy;
  /** the model's own fields over the deployment's policy; null = the deployment's policy as it is */
  override: Record<string, unknown> | null;
  reason: string | null;
  by: string | null;
  at: string | null;
}

const FIELDS = {
  shadow: Object.keys(ZShadowGatePolicy.shape),
  canary: Object.keys(ZCanaryGatePolicy.shape),
} as const;

/**
 * Checks a model's policy override: only known fields (a misspelt one would silently do nothing),
 * and, laid over the deployment's policy, a valid policy. Errors name the field.
 */
export function parseGatePolicyOverride(raw: unknown): Record<string, unknown> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new AppError('invalid_input', 'policy: expected an object of gate fields', { field: 'policy' });
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (k !== 'shadow' && k !== 'canary' && k !== 'canarySteps')
      throw new AppError('invalid_input', `policy.${k}: unknown field (shadow, canary, canarySteps)`, { field: `policy.${k}` });
    if (k === 'canarySteps') continue;
    const sub = o[k];
    if (!sub || typeof sub !== 'object' || Array.isArray(sub)) throw new AppError('invalid_input', `policy.${k}: expected an object`, { field: `policy.${k}` });
    for (const f of Object.keys(sub)) {
      if (!(FIELDS[k] as readonly string[]).includes(f)) {
        throw new AppError('invalid_input', `policy.${k}.${f}: unknown field (${FIELDS[k].join(', ')})`, { field: `policy.${k}.${f}` });
      }
    }
  }
  const parsed = ZGatePolicy.safeParse(layerPolicy(deploymentPolicyOverride(), o), { error: plainIssueMessage });
  if (!parsed.success) {
    const issue = firstIssue(parsed.error, '');
    const field = issue.field ? `policy.${issue.field}` : 'policy';
    throw new AppError('invalid_input', `${field}: ${issue.message}`, { field });
  }
  return o;
}

/** The gate policy of one model: its own fields over SEGFLOW_GATE_POLICY over the defaults. */
export async function modelGatePolicy(db: DbOrTx, modelId: string): Promise<ModelGatePolicy> {
  const [m] = await db
    .select({ override: models.gatePolicy, reason: models.gatePolicyReason, by: users.email, at: models.gatePolicyAt })
    .from(models)
    .leftJoin(users, eq(users.id, models.gatePolicyBy))
    .where(eq(models.id, modelId));
  const override = m?.override ?? null;
  // a stored override was valid when it was set; SEGFLOW_GATE_POLICY may have changed since
  const parsed = override ? ZGatePolicy.safeParse(layerPolicy(deploymentPolicyOverride(), override)) : null;
  return {
    policy: parsed?.success ? parsed.data : gatePolicy(),
    override,
    reason: m?.reason ?? null,
    by: m?.by ?? null,
    at: m?.at?.toISOString() ?? null,
  };
}

/** Sets (or, with an empty policy, clears) a model's own gate policy, with who and why. */
export async function setModelGatePolicy(
  db: DbOrTx,
  p: { modelId: string; policy: unknown; actorId: string | null; reason: string },
): Promise<ModelGatePolicy> {
  const reason = p.reason.trim();
  if (!reason) throw new AppError('invalid_input', 'reason: a change of the gate policy needs a reason', { field: 'reason' });
  const override = parseGatePolicyOverride(p.policy);
  await db
    .update(models)
    .set({
      gatePolicy: Object.keys(override).length ? override : null,
      gatePolicyReason: reason,
      gatePolicyBy: p.actorId,
      gatePolicyAt: sql`clock_timestamp()`,
    })
    .where(eq(models.id, p.modelId));
  return modelGatePolicy(db, p.modelId);
}
