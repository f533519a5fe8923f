import { eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deploymentSlots, models, runs, series } from '@/db/schema';
import { config } from '../config';
import type { Db } from '../db';
import { registerModelVersion } from '../models/register-model-version';
import { setSlotVersion } from '../models/set-slot-version';
import { setModelGatePolicy } from '../rollout/model-gate-policy';
import { DEMO_STUDY_FACTS, seedDemoStudy } from './seed-demo-study';
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
 * given (a shipped model without an owner gets it). Idempotent.
 */
export async function seedDemoModels(db: Db, root = process.cwd(), ownerProjectId: string | null = null): Promise<SeedEvent[]> {
  const done: SeedEvent[] = [];
  let modelId: string | null = null;
  for (const shipped of SHIPPED) {
    const dir = join(root, 'models', shipped.dir);
    const { version, created } = await registerModelVersion(db, {
      model: readFileSync(join(dir, 'model.onnx')),
      spec: JSON.parse(readFileSync(join(dir, 'spec.json'), 'utf8')),
      ownerProjectId,
    });
    modelId = version.modelId;
    if (created)
      done.push({
        action: 'model.version.register',
        targetType: 'model_version',
        targetId: version.id,
        details: { model: shipped.dir, version: version.version },
      });
    if (!created || !shipped.stage) continue;
    const [slot] = await db.select().from(deploymentSlots).where(eq(deploymentSlots.modelId, version.modelId)).limit(1);
    const current = shipped.stage === 'live' ? slot?.liveVersionId : slot?.shadowVersionId;
    if (!current) {
      await setSlotVersion(db, { modelId: version.modelId, versionId: version.id, stage: shipped.stage, reason: shipped.reason });
      done.push({
        action: 'model.version.stage',
        targetType: 'model',
        targetId: version.modelId,
        details: { version: version.version, stage: shipped.stage, reason: shipped.reason },
      });
    }
  }
  // the demo project's own gate for its model, once (an operator may change it later, with a reason)
  if (ownerProjectId && modelId) {
    const [m] = await db.select({ at: models.gatePolicyAt }).from(models).where(eq(models.id, modelId));
    if (!m?.at) {
      await setModelGatePolicy(db, { modelId, policy: DEMO_GATE_POLICY, actorId: null, reason: DEMO_GATE_POLICY_REASON });
      done.push({
        action: 'model.gate_policy.set',
        targetType: 'model',
        targetId: modelId,
        details: { policy: DEMO_GATE_POLICY, reason: DEMO_GATE_POLICY_REASON },
      });
    }
  }
  return done;
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
  const done = await seedDemoModels(db, process.cwd(), p.ownModels ? p.projectId : null);
  const study = await seedDemoStudy(db, p);
  if (study) done.push({ action: 'upload.complete', targetType: 'study', targetId: study, details: { file: 't1_crop.nii.gz', ...DEMO_STUDY_FACTS } });
  const run = await seedDemoRun(db, p);
  if (run) done.push({ action: 'run.submit', targetType: 'run', targetId: run, details: { model: 'brain-tissue' } });
  await auditSeeding(db, p.projectId, done);
}

/** What the seeding did, as the audit event the same action of a user would get. */
interface SeedEvent {
  action: string;
  targetType: string;
  targetId: string;
  details: Record<string, unknown>;
}

/**
 * The demo seeding's changes in the project's audit log, by the platform (no actor), under one
 * request id: the log's first events say where the demo's models, slots, study and run came from.
 */
async function auditSeeding(db: Db, projectId: string, done: SeedEvent[]): Promise<void> {
  if (!done.length) return;
  const requestId = randomUUID();
  await db.transaction(async (tx) => {
    for (const e of done) await appendAuditEvent(tx, { ...e, actorLabel: SEED_ACTOR, projectId, outcome: 'success', requestId });
  });
}

export const SEED_ACTOR = 'segflow demo seed (platform)';

/**
 * Queues one run of the demo volume with brain-tissue (live, and the fp16 variant as shadow) the
 * first time, so a fresh start shows a finished run, its masks, comparison and manifest after a
 * minute on the CPU. SEGFLOW_DEMO_RUN=false leaves it out (the e2e suite starts its own from the UI).
 */
export async function seedDemoRun(db: Db, p: { projectId: string; researcherId: string }): Promise<string | null> {
  if (!config().demo.run) return null;
  const [volume] = await db.select({ id: series.id, studyId: series.studyId }).from(series).where(eq(series.projectId, p.projectId)).limit(1);
  if (!volume) return null;
  const [already] = await db.select({ id: runs.id }).from(runs).where(eq(runs.studyId, volume.studyId)).limit(1);
  if (already) return null;
  const run = await db.transaction((tx) => submitRun(tx, { projectId: p.projectId, seriesId: volume.id, model: 'brain-tissue', submittedBy: p.researcherId }));
  return run.run.id;
}
