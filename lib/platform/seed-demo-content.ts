import { eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deploymentSlots, models, runs, series } from '@/db/schema';
import { config } from '../config';
import type { Db, DbOrTx } from '../db';
import { registerModelVersion } from '../models/register-model-version';
import { setSlotVersion } from '../models/set-slot-version';
import { setModelGatePolicy } from '../rollout/model-gate-policy';
import { seedDemoStudy } from './seed-demo-study';
import { appendAuditEvent } from '../audit/append-audit-event';
import { submitRun } from '../runs/submit-run';

/** The model versions shipped in models/, and the stage each takes in the demo. */
const SHIPPED = [
  { dir: 'brain-tissue', stage: 'live' as const, reason: 'demo: shipped model' },
  { dir: 'brain-tissue-fp16', stage: 'shadow' as const, reason: 'demo: fp16 candidate in shadow' },
  { dir: 'brain-tissue-degraded', stage: null, reason: '' },
];

/**
 * Demo content for the embedded default: the shipped brain-tissue model registered (live), its fp16
 * variant in shadow and a degraded variant registered for gate demos, owned by `ownerProjectId` when
 * given (a shipped model without an owner gets it). Idempotent. With `audit`, each change is recorded
 * in the same transaction as the change itself.
 */
export async function seedDemoModels(db: Db, root = process.cwd(), ownerProjectId: string | null = null, audit?: SeedAudit): Promise<void> {
  let modelId: string | null = null;
  for (const shipped of SHIPPED) {
    const dir = join(root, 'models', shipped.dir);
    const spec = JSON.parse(readFileSync(join(dir, 'spec.json'), 'utf8')) as { name: string };
    const { version, created } = await db.transaction(async (tx) => {
      const out = await registerModelVersion(tx, { model: readFileSync(join(dir, 'model.onnx')), spec, ownerProjectId });
      if (out.created) {
        const id = `${spec.name}@${out.version.version}`;
        await audit?.append(tx, { action: 'model.version.register', targetType: 'model_version', targetId: id, details: { sha256: out.version.sha256 } });
      }
      return out;
    });
    modelId = version.modelId;
    if (!created || !shipped.stage) continue;
    const stage = shipped.stage;
    await db.transaction(async (tx) => {
      const [slot] = await tx.select().from(deploymentSlots).where(eq(deploymentSlots.modelId, version.modelId)).limit(1);
      if (stage === 'live' ? slot?.liveVersionId : slot?.shadowVersionId) return;
      await setSlotVersion(tx, { modelId: version.modelId, versionId: version.id, stage, reason: shipped.reason });
      const id = `${spec.name}@${version.version}`;
      await audit?.append(tx, { action: 'model.version.stage', targetType: 'model_version', targetId: id, details: { stage, reason: shipped.reason } });
    });
  }
  // the demo project's own gate for its model, once (an operator may change it later, with a reason)
  if (ownerProjectId && modelId) {
    const id = modelId;
    await db.transaction(async (tx) => {
      const [m] = await tx.select({ name: models.name, at: models.gatePolicyAt }).from(models).where(eq(models.id, id));
      if (!m || m.at) return;
      await setModelGatePolicy(tx, { modelId: id, policy: DEMO_GATE_POLICY, actorId: null, reason: DEMO_GATE_POLICY_REASON });
      await audit?.append(tx, { action: 'model.gate_policy.set', targetType: 'model', targetId: m.name, details: { reason: DEMO_GATE_POLICY_REASON } });
    });
  }
}

/**
 * The demo model's gate: the default checks (Dice, failures, reviews), but one compared case and
 * one canary run instead of 20, one canary step (99 % of studies), and latency up to 10× the live
 * model's (the fp16 variant runs slower on a CPU), so a newcomer walks Request → Approve (a second
 * operator) → canary → live with the demo's own runs. Stated on the Promotions page.
 */
export const DEMO_GATE_POLICY = {
  shadow: { minComparedCases: 1, maxLatencyRatio: 10 },
  canary: { minRuns: 1, maxLatencyRatio: 10 },
  canarySteps: [99],
};
export const DEMO_GATE_POLICY_REASON =
  'demo: the embedded demo has a handful of runs, not 20; one compared case and one canary run let you walk shadow → canary → live';

/**
 * `ownModels`: the demo project owns the shipped models (the embedded start). Tests seeding demo
 * content into a database shared with other tests leave them unowned, usable by every test project.
 */
export async function seedDemoContent(db: Db, p: { projectId: string; researcherId: string; ownModels?: boolean }): Promise<void> {
  const audit = seedAudit(p.projectId);
  await seedDemoModels(db, process.cwd(), p.ownModels ? p.projectId : null, audit);
  await seedDemoStudy(db, { ...p, audit });
  await seedDemoRun(db, { ...p, audit });
}

export const SEED_ACTOR = 'segflow demo seed (platform)';

/** What the seeding did, as the audit event the same action of a user gets (action, target). */
export interface SeedEvent {
  action: string;
  targetType: string;
  targetId: string;
  details: Record<string, unknown>;
}

/**
 * The demo seeding's changes in the project's audit log, by the platform (no actor), under one
 * request id per start: the log's first events say where the demo's models, slots, study and run
 * came from. Each is appended in the transaction of its change, so a crash loses neither alone.
 */
export interface SeedAudit {
  append(tx: DbOrTx, e: SeedEvent): Promise<void>;
}

function seedAudit(projectId: string): SeedAudit {
  const requestId = randomUUID();
  return {
    async append(tx, e) {
      await appendAuditEvent(tx, { ...e, actorLabel: SEED_ACTOR, projectId, outcome: 'success', requestId });
    },
  };
}

/**
 * Queues one run of the demo volume with brain-tissue (live, and the fp16 variant as shadow) the
 * first time, so a fresh start shows a finished run, its masks, comparison and manifest after a
 * minute on the CPU. SEGFLOW_DEMO_RUN=false leaves it out (the e2e suite starts its own from the UI).
 */
export async function seedDemoRun(db: Db, p: { projectId: string; researcherId: string; audit?: SeedAudit }): Promise<void> {
  if (!config().demo.run) return;
  const [volume] = await db.select({ id: series.id, studyId: series.studyId }).from(series).where(eq(series.projectId, p.projectId)).limit(1);
  if (!volume) return;
  const [already] = await db.select({ id: runs.id }).from(runs).where(eq(runs.studyId, volume.studyId)).limit(1);
  if (already) return;
  await db.transaction(async (tx) => {
    const { run } = await submitRun(tx, { projectId: p.projectId, seriesId: volume.id, model: 'brain-tissue', submittedBy: p.researcherId });
    await p.audit?.append(tx, { action: 'run.submit', targetType: 'series', targetId: volume.id, details: { run: run.id, model: 'brain-tissue' } });
  });
}
