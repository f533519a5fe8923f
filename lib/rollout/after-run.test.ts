import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, deploymentSlots, slotEvents } from '@/db/schema';
import { getDb } from '@/lib/db';
import { setSlotVersion } from '@/lib/models/set-slot-version';
import { createTestProject, type TestProject } from '@/test/test-project';
import { afterRunFinished } from './after-run';
import { addRuns, createDeployment, createStudy, type Deployment } from './test/scenario';

let tp: TestProject;
let studyId: string;

beforeAll(async () => {
  tp = await createTestProject(getDb());
  studyId = await createStudy(getDb(), tp);
});

async function canaryDeployment(): Promise<Deployment> {
  const d = await createDeployment(getDb(), { registeredBy: tp.users.operator.id });
  await setSlotVersion(getDb(), {
    modelId: d.modelId,
    versionId: d.candidate.id,
    stage: 'canary',
    canaryPercent: 25,
    actorId: tp.users.admin.id,
    reason: 'scenario: canary 25%',
  });
  // the live version's timings over the same window: the latency baseline
  await addRuns(getDb(), tp, studyId, 10, { served: { versionId: d.live.id, role: 'live' }, servingMs: () => 1000 });
  return d;
}
const slotOf = async (d: Deployment) => (await getDb().select().from(deploymentSlots).where(eq(deploymentSlots.modelId, d.modelId)))[0];
const rollbacks = (d: Deployment) =>
  getDb()
    .select()
    .from(slotEvents)
    .where(and(eq(slotEvents.versionId, d.candidate.id), eq(slotEvents.state, 'rolled_back')));

describe('automatic canary rollback after a run (executor hook)', () => {
  it('rolls a canary back once it has the minimum runs and its failure rate is over the limit', async () => {
    const d = await canaryDeployment();
    // 19 runs, 4 failed: under the minimum (20), nothing happens yet however bad it looks
    const early = await addRuns(getDb(), tp, studyId, 19, { served: { versionId: d.candidate.id, role: 'canary' }, servingFails: (i) => i % 5 === 0 });
    await afterRunFinished(getDb(), early.at(-1)!);
    expect((await slotOf(d)).canaryVersionId).toBe(d.candidate.id);

    const [twentieth] = await addRuns(getDb(), tp, studyId, 1, { served: { versionId: d.candidate.id, role: 'canary' } });
    await afterRunFinished(getDb(), twentieth);
    expect(await slotOf(d)).toMatchObject({ liveVersionId: d.live.id, canaryVersionId: null, canaryPercent: 0 });
    const [event] = await rollbacks(d);
    expect(event).toMatchObject({ stage: 'canary', state: 'rolled_back', actorId: null });
    expect(event.reason).toContain(
      `automatic rollback of ${d.name}@1.1.0 at canary 25%: canary-failure-rate: 0.200 (needs <= 0.05) — 4/20 canary inferences failed`,
    );
    expect((event.gate as { checks: { name: string; passed: boolean }[] }).checks.find((c) => c.name === 'canary-failure-rate')?.passed).toBe(false);
    const audited = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'promotion.auto_rollback'), eq(auditEvents.targetId, d.modelId)));
    expect(audited).toHaveLength(1);

    // a later canary run of the rolled-back version changes nothing more
    await afterRunFinished(getDb(), twentieth);
    expect(await rollbacks(d)).toHaveLength(1);
  });

  it('rolls back on latency, and keeps a healthy canary', async () => {
    const slow = await canaryDeployment();
    const slowRuns = await addRuns(getDb(), tp, studyId, 20, { served: { versionId: slow.candidate.id, role: 'canary' }, servingMs: () => 2500 });
    await afterRunFinished(getDb(), slowRuns.at(-1)!);
    const [event] = await rollbacks(slow);
    expect(event.reason).toContain('canary-latency-p95-ratio: 2.500 (needs <= 1.5) — p95 canary 2.5 s vs live 1.0 s');

    const healthy = await canaryDeployment();
    const ok = await addRuns(getDb(), tp, studyId, 20, {
      served: { versionId: healthy.candidate.id, role: 'canary' },
      servingMs: () => 1200,
      servingFails: (i) => i === 3,
    });
    await afterRunFinished(getDb(), ok.at(-1)!);
    expect((await slotOf(healthy)).canaryVersionId).toBe(healthy.candidate.id);
    expect(await rollbacks(healthy)).toHaveLength(0);
  });

  it('leaves live runs alone and never throws', async () => {
    const d = await canaryDeployment();
    const [liveRun] = await addRuns(getDb(), tp, studyId, 1, { served: { versionId: d.live.id, role: 'live' }, servingFails: () => true });
    await expect(afterRunFinished(getDb(), liveRun)).resolves.toBeUndefined();
    await expect(
      afterRunFinished(getDb(), { ...liveRun, servedBy: 'canary', modelVersionId: '00000000-0000-4000-8000-000000000000' }),
    ).resolves.toBeUndefined();
    expect((await slotOf(d)).canaryVersionId).toBe(d.candidate.id);
  });
});
