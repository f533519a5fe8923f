import { beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { comparisons, reviewVerdicts, runs, users } from '@/db/schema';
import { getDb } from '@/lib/db';
import { setSlotVersion } from '@/lib/models/set-slot-version';
import { createTestProject, type TestProject } from '@/test/test-project';
import { evaluateGate } from './evaluate-gate';
import { DEFAULT_GATE_POLICY } from './gate-policy';
import { rollBackCandidate } from './roll-back-candidate';
import { addRuns, createDeployment, createStudy } from './test/scenario';

let tp: TestProject;
let studyId: string;

beforeAll(async () => {
  tp = await createTestProject(getDb());
  studyId = await createStudy(getDb(), tp);
});

const check = (e: Awaited<ReturnType<typeof evaluateGate>>, name: string, label?: string) => e.checks.find((c) => c.name === name && c.label === label)!;

describe('evaluateGate (shadow → canary), from the database', () => {
  it('fails with too few compared cases and names the count', async () => {
    const d = await createDeployment(getDb(), { registeredBy: tp.users.operator.id });
    await addRuns(getDb(), tp, studyId, 3, { served: { versionId: d.live.id, role: 'live' }, shadowVersionId: d.candidate.id });
    const e = await evaluateGate(getDb(), { modelId: d.modelId, stage: 'shadow' });
    expect(e).toMatchObject({ passed: false, cases: 3, minCases: 20, version: '1.1.0', target: { stage: 'canary', percent: 10 } });
    expect(check(e, 'compared-cases')).toMatchObject({ passed: false, value: 3, threshold: 20 });
    expect(check(e, 'compared-cases').detail).toBe('not enough cases yet: 3/20 compared cases');
    // everything else about these three cases is fine
    expect(e.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual(['compared-cases']);
  });

  it('passes 20 good cases, and fails a tail of bad cases although the mean Dice is fine', async () => {
    const d = await createDeployment(getDb(), { registeredBy: tp.users.operator.id });
    await addRuns(getDb(), tp, studyId, 20, { served: { versionId: d.live.id, role: 'live' }, shadowVersionId: d.candidate.id });
    expect((await evaluateGate(getDb(), { modelId: d.modelId, stage: 'shadow' })).passed).toBe(true);

    const bad = await createDeployment(getDb(), { registeredBy: tp.users.operator.id });
    // Grey Matter: 17 cases at 0.98, 3 at 0.55 → mean 0.916 (above both thresholds), p10 0.55
    await addRuns(getDb(), tp, studyId, 20, {
      served: { versionId: bad.live.id, role: 'live' },
      shadowVersionId: bad.candidate.id,
      dice: (i) => ({ 'Grey Matter': i % 7 === 0 ? 0.55 : 0.98 }),
    });
    const e = await evaluateGate(getDb(), { modelId: bad.modelId, stage: 'shadow' });
    expect(e.passed).toBe(false);
    const p10 = check(e, 'dice-p10', 'Grey Matter');
    expect(p10).toMatchObject({ passed: false, value: 0.55 });
    expect(p10.detail).toContain('mean 0.916');
    expect(check(e, 'dice-median', 'Grey Matter').passed).toBe(true);
    expect(check(e, 'dice-p10', 'White Matter').passed).toBe(true);
    expect(e.checks.filter((c) => !c.passed).map((c) => `${c.name}:${c.label}`)).toEqual(['dice-p10:Grey Matter']);
  });

  it("counts reviewers' verdicts on the candidate's comparisons", async () => {
    const db = getDb();
    const d = await createDeployment(db, { registeredBy: tp.users.operator.id });
    const made = await addRuns(db, tp, studyId, 20, { served: { versionId: d.live.id, role: 'live' }, shadowVersionId: d.candidate.id });
    const cmp = await db
      .select({ id: comparisons.id })
      .from(comparisons)
      .where(
        inArray(
          comparisons.runId,
          made.map((r) => r.id),
        ),
      );
    const reviewer = tp.users.reviewer.id;
    const second = (
      await db
        .insert(users)
        .values({ email: `second-${d.name}@test.segflow`, name: 'second reviewer' })
        .returning()
    )[0].id;
    // 5 cases reviewed by one reviewer, 1 of them by a second: 3 of 6 verdicts say live is better
    await db
      .insert(reviewVerdicts)
      .values([
        ...cmp
          .slice(0, 5)
          .map((c, i) => ({ comparisonId: c.id, reviewerId: reviewer, verdict: (i < 2 ? 'live_better' : 'equivalent') as 'live_better' | 'equivalent' })),
        { comparisonId: cmp[0].id, reviewerId: second, verdict: 'live_better' as const },
      ]);
    const e = await evaluateGate(db, { modelId: d.modelId, stage: 'shadow' });
    expect(check(e, 'reviewers-live-better-share')).toMatchObject({
      passed: false,
      value: 0.5,
      detail: '3/6 verdicts say the live mask is better (5 cases reviewed)',
    });
    expect(e.passed).toBe(false);
  });

  it('measures the shadow failure rate and its latency against the serving model', async () => {
    const d = await createDeployment(getDb(), { registeredBy: tp.users.operator.id });
    // 22 runs, 2 with a failed shadow inference (20 compared); a live failure leaves the shadow skipped, not failed
    await addRuns(getDb(), tp, studyId, 22, { served: { versionId: d.live.id, role: 'live' }, shadowVersionId: d.candidate.id, shadowFails: (i) => i < 2 });
    await addRuns(getDb(), tp, studyId, 1, { served: { versionId: d.live.id, role: 'live' }, shadowVersionId: d.candidate.id, servingFails: () => true });
    let e = await evaluateGate(getDb(), { modelId: d.modelId, stage: 'shadow' });
    expect(e.cases).toBe(20);
    expect(check(e, 'shadow-failure-rate')).toMatchObject({ passed: false, value: 2 / 22, detail: '2/22 shadow inferences failed' });
    expect(check(e, 'shadow-latency-p95-ratio')).toMatchObject({ passed: true, value: 1.1 });

    const slow = await createDeployment(getDb(), { registeredBy: tp.users.operator.id });
    await addRuns(getDb(), tp, studyId, 20, {
      served: { versionId: slow.live.id, role: 'live' },
      shadowVersionId: slow.candidate.id,
      servingMs: () => 2000,
      shadowMs: () => 4000,
    });
    e = await evaluateGate(getDb(), { modelId: slow.modelId, stage: 'shadow' });
    expect(check(e, 'shadow-latency-p95-ratio')).toMatchObject({ passed: false, value: 2, detail: 'p95 shadow 4.0 s vs serving 2.0 s (20/20 runs)' });
    expect(check(e, 'shadow-failure-rate')).toMatchObject({ passed: true, value: 0 });
  });

  it('never counts a run with an implausible serving mask as a compared case (empty masks agree perfectly)', async () => {
    const db = getDb();
    const d = await createDeployment(db, { registeredBy: tp.users.operator.id });
    const made = await addRuns(db, tp, studyId, 20, { served: { versionId: d.live.id, role: 'live' }, shadowVersionId: d.candidate.id });
    await db
      .update(runs)
      .set({ warnings: ['White Matter is empty; brain-tissue expects 150 ml–900 ml, not empty'] })
      .where(eq(runs.id, made[0].id));
    const e = await evaluateGate(db, { modelId: d.modelId, stage: 'shadow' });
    expect(check(e, 'compared-cases')).toMatchObject({ passed: false, value: 19, threshold: 20 });
  });

  it('counts only runs since the version entered its stage (slot_events)', async () => {
    const d = await createDeployment(getDb(), { registeredBy: tp.users.operator.id });
    await addRuns(getDb(), tp, studyId, 20, { served: { versionId: d.live.id, role: 'live' }, shadowVersionId: d.candidate.id });
    await rollBackCandidate(getDb(), { modelId: d.modelId, stage: 'shadow', actorId: tp.users.operator.id, reason: 'retest' });
    await setSlotVersion(getDb(), { modelId: d.modelId, versionId: d.candidate.id, stage: 'shadow', reason: 'shadow again' });
    await addRuns(getDb(), tp, studyId, 2, { served: { versionId: d.live.id, role: 'live' }, shadowVersionId: d.candidate.id });
    const e = await evaluateGate(getDb(), { modelId: d.modelId, stage: 'shadow' });
    expect(e.cases).toBe(2);
    expect(e.since).not.toBeNull();
    // a smaller minimum (a demo deployment) is a parameter
    const small = { ...DEFAULT_GATE_POLICY, shadow: { ...DEFAULT_GATE_POLICY.shadow, minComparedCases: 2 } };
    expect((await evaluateGate(getDb(), { modelId: d.modelId, stage: 'shadow', policy: small })).passed).toBe(true);
  });

  it('refuses a stage without a candidate', async () => {
    const d = await createDeployment(getDb(), { registeredBy: null });
    await expect(evaluateGate(getDb(), { modelId: d.modelId, stage: 'canary' })).rejects.toMatchObject({
      code: 'not_found',
      message: `${d.name} has no canary version`,
    });
  });
});

describe('evaluateGate (canary → next step)', () => {
  it('counts canary runs, their failures, and their latency against the live version in the same window', async () => {
    const d = await createDeployment(getDb(), { registeredBy: tp.users.operator.id });
    await setSlotVersion(getDb(), { modelId: d.modelId, versionId: d.candidate.id, stage: 'canary', canaryPercent: 10, reason: 'scenario: canary' });
    await addRuns(getDb(), tp, studyId, 30, { served: { versionId: d.live.id, role: 'live' }, servingMs: () => 1000 });
    await addRuns(getDb(), tp, studyId, 20, { served: { versionId: d.candidate.id, role: 'canary' }, servingMs: () => 1300, servingFails: (i) => i === 0 });
    const e = await evaluateGate(getDb(), { modelId: d.modelId, stage: 'canary' });
    expect(e).toMatchObject({ stage: 'canary', percent: 10, target: { stage: 'canary', percent: 25 }, cases: 20, passed: true });
    expect(e.checks.map((c) => [c.name, c.value])).toEqual([
      ['canary-runs', 20],
      ['canary-failure-rate', 0.05],
      ['canary-latency-p95-ratio', 1.3],
    ]);
  });
});
