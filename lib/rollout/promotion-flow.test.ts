import { and, asc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { approvePromotionAction, requestPromotionAction, rollbackAction } from '@/app/(app)/promotions/actions';
import { deploymentSlots, modelVersions, slotEvents } from '@/db/schema';
import { runWithRequestHeaders } from '@/lib/auth/request-context';
import { getDb } from '@/lib/db';
import { createTestProject, type TestProject } from '@/test/test-project';
import { approvePromotion } from './approve-promotion';
import { promotionOverview } from './promotion-overview';
import { requestPromotion } from './request-promotion';
import { rollBackCandidate } from './roll-back-candidate';
import { slotHistory } from './slot-history';
import { addRuns, createDeployment, createOperator, createStudy, type Deployment } from './test/scenario';
import { getRun } from '../runs/get-run';
import { versionOfRun } from './version-of-run';
import { whichVersionWasLive } from './which-version-was-live';

let tp: TestProject;
let studyId: string;
let other: { id: string; token: string };

beforeAll(async () => {
  tp = await createTestProject(getDb());
  studyId = await createStudy(getDb(), tp);
  other = await createOperator(getDb(), tp);
});

const slotOf = async (d: Deployment) => (await getDb().select().from(deploymentSlots).where(eq(deploymentSlots.modelId, d.modelId)))[0];
const goodShadowRuns = (d: Deployment, n = 20) =>
  addRuns(getDb(), tp, studyId, n, { served: { versionId: d.live.id, role: 'live' }, shadowVersionId: d.candidate.id });
const goodCanaryRuns = (d: Deployment, n = 20) =>
  addRuns(getDb(), tp, studyId, n, { served: { versionId: d.candidate.id, role: 'canary' }, servingMs: () => 1100 });
const as = <T>(token: string, fn: () => Promise<T>) => runWithRequestHeaders(new Headers({ authorization: `Bearer ${token}` }), fn);

describe('promotion requests and four-eyes approval', () => {
  it('refuses a request while the gate fails, naming the failing checks', async () => {
    const d = await createDeployment(getDb(), { registeredBy: tp.users.operator.id, ownerProjectId: tp.id });
    await goodShadowRuns(d, 3);
    const res = await as(tp.users.admin.token, () => requestPromotionAction({ model: d.modelId, stage: 'shadow' }));
    expect(res).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(!res.ok && res.error.message).toContain('not enough cases yet: 3/20');
    const events = await getDb().select().from(slotEvents).where(eq(slotEvents.versionId, d.candidate.id));
    expect(events.map((e) => e.state)).toEqual(['shadow']);
  });

  it('refuses approval by the registrant and by the requester, and lets another operator approve', async () => {
    const d = await createDeployment(getDb(), { registeredBy: tp.users.operator.id, ownerProjectId: tp.id });
    await goodShadowRuns(d);
    // nothing to approve before a request
    const early = await as(other.token, () => approvePromotionAction({ model: d.modelId, stage: 'shadow', reason: 'looks good' }));
    expect(early).toMatchObject({ ok: false, error: { code: 'conflict' } });

    // the registrant may request; the admin requests here
    const req = await as(tp.users.admin.token, () => requestPromotionAction({ model: d.modelId, stage: 'shadow', note: 'fp16 agrees on 20 cases' }));
    expect(req).toEqual({ ok: true, data: { event: expect.any(String), target: { stage: 'canary', percent: 10 } } });

    const byRegistrant = await as(tp.users.operator.token, () => approvePromotionAction({ model: d.modelId, stage: 'shadow', reason: 'mine' }));
    expect(byRegistrant).toEqual({
      ok: false,
      error: { code: 'forbidden', message: `you registered ${d.name}@1.1.0; another operator must approve its promotion` },
    });
    const byRequester = await as(tp.users.admin.token, () => approvePromotionAction({ model: d.modelId, stage: 'shadow', reason: 'I asked' }));
    expect(byRequester).toEqual({
      ok: false,
      error: { code: 'forbidden', message: `you requested the promotion of ${d.name}@1.1.0; another operator must approve it` },
    });
    const noReason = await as(other.token, () => approvePromotionAction({ model: d.modelId, stage: 'shadow', reason: '  ' }));
    expect(noReason).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect((await slotOf(d)).shadowVersionId).toBe(d.candidate.id);

    // the page says the same before anyone clicks
    const view = (await promotionOverview(getDb(), { viewerId: tp.users.operator.id })).find((m) => m.modelId === d.modelId)!;
    expect(view.candidates[0]).toMatchObject({ stage: 'shadow', approval: { allowed: false }, requests: [{ by: tp.users.admin.email }] });
    expect(view.candidates[0].dice.map((x) => [x.label, x.cases])).toEqual([
      ['White Matter', 20],
      ['Grey Matter', 20],
    ]);

    const ok = await as(other.token, () => approvePromotionAction({ model: d.modelId, stage: 'shadow', reason: 'agrees with live on 20 cases' }));
    expect(ok).toEqual({ ok: true, data: { to: { stage: 'canary', percent: 10 } } });
    const slot = await slotOf(d);
    expect(slot).toMatchObject({ liveVersionId: d.live.id, shadowVersionId: null, canaryVersionId: d.candidate.id, canaryPercent: 10 });
  });

  it('re-evaluates the gate at approval: a gate that stopped passing is not approved', async () => {
    const d = await createDeployment(getDb(), { registeredBy: tp.users.operator.id, ownerProjectId: tp.id });
    await goodShadowRuns(d);
    await requestPromotion(getDb(), { modelId: d.modelId, stage: 'shadow', actorId: tp.users.admin.id });
    await addRuns(getDb(), tp, studyId, 3, { served: { versionId: d.live.id, role: 'live' }, shadowVersionId: d.candidate.id, shadowFails: () => true });
    await expect(approvePromotion(getDb(), { modelId: d.modelId, stage: 'shadow', actorId: other.id, reason: 'ok' })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('no longer passes: shadow-failure-rate'),
    });
  });
});

describe('shadow → canary 10 → 25 → 50 → live', () => {
  it('moves one step per approval, each a slot event, and answers which version was live when', async () => {
    const d = await createDeployment(getDb(), { registeredBy: tp.users.operator.id, ownerProjectId: tp.id });
    const [liveEvent] = await getDb()
      .select()
      .from(slotEvents)
      .where(and(eq(slotEvents.versionId, d.live.id), eq(slotEvents.state, 'live')));
    const oldRun = (await goodShadowRuns(d))[0];

    const step = async (stage: 'shadow' | 'canary', reason: string) => {
      await requestPromotion(getDb(), { modelId: d.modelId, stage, actorId: tp.users.admin.id });
      return approvePromotion(getDb(), { modelId: d.modelId, stage, actorId: other.id, reason });
    };
    expect((await step('shadow', 'to canary')).to).toEqual({ stage: 'canary', percent: 10 });
    // a canary step is gated on its own runs since that step
    await expect(requestPromotion(getDb(), { modelId: d.modelId, stage: 'canary', actorId: tp.users.admin.id })).rejects.toMatchObject({
      message: expect.stringContaining('not enough cases yet: 0/20'),
    });
    await addRuns(getDb(), tp, studyId, 5, { served: { versionId: d.live.id, role: 'live' } });
    await goodCanaryRuns(d);
    expect((await step('canary', '10% fine')).to).toEqual({ stage: 'canary', percent: 25 });
    await goodCanaryRuns(d);
    expect((await step('canary', '25% fine')).to).toEqual({ stage: 'canary', percent: 50 });
    const canaryRun = (await goodCanaryRuns(d))[0];
    const before = await whichVersionWasLive(getDb(), { modelId: d.modelId, at: new Date() });
    const { to, slot } = await step('canary', '50% fine');
    expect(to).toEqual({ stage: 'live' });
    expect(slot).toMatchObject({ liveVersionId: d.candidate.id, canaryVersionId: null, canaryPercent: 0, shadowVersionId: null });
    const [oldLive] = await getDb().select().from(modelVersions).where(eq(modelVersions.id, d.live.id));
    expect(oldLive.status).toBe('retired');

    const events = await getDb().select().from(slotEvents).where(eq(slotEvents.versionId, d.candidate.id)).orderBy(asc(slotEvents.createdAt));
    expect(events.map((e) => [e.state, e.stage, e.canaryPercent])).toEqual([
      ['shadow', 'shadow', null],
      ['gate_passed', 'shadow', null],
      ['canary', 'canary', 10],
      ['gate_passed', 'canary', 10],
      ['canary', 'canary', 25],
      ['gate_passed', 'canary', 25],
      ['canary', 'canary', 50],
      ['gate_passed', 'canary', 50],
      ['live', 'live', null],
    ]);
    const promotions = events.filter((e) => e.state === 'canary' || e.state === 'live');
    expect(promotions).toHaveLength(4);
    expect(promotions.every((e) => e.actorId === other.id && (e.gate as { passed?: boolean }).passed === true)).toBe(true);
    expect(events.filter((e) => e.state === 'gate_passed').every((e) => e.actorId === tp.users.admin.id)).toBe(true);

    // history, newest first, with who and why
    const history = await slotHistory(getDb(), { modelId: d.modelId });
    expect(history[0]).toMatchObject({ state: 'live', version: '1.1.0', actorEmail: expect.stringContaining('op2-'), reason: '50% fine' });
    expect(history.at(-1)).toMatchObject({ state: 'live', version: '1.0.0', actorId: null });

    // which version was live on that day
    const liveAt = await getDb()
      .select()
      .from(slotEvents)
      .where(and(eq(slotEvents.versionId, d.candidate.id), eq(slotEvents.state, 'live')));
    const promotedAt = liveAt[0].createdAt;
    expect(before?.version).toBe('1.0.0');
    expect((await whichVersionWasLive(getDb(), { modelId: d.modelId, at: new Date(promotedAt.getTime() - 1) }))?.versionId).toBe(d.live.id);
    expect((await whichVersionWasLive(getDb(), { modelId: d.modelId, at: new Date(promotedAt.getTime() + 1) }))?.versionId).toBe(d.candidate.id);
    expect(await whichVersionWasLive(getDb(), { modelId: d.modelId, at: new Date(liveEvent.createdAt.getTime() - 1000) })).toBeNull();

    // which version produced a run's mask
    expect(await versionOfRun(getDb(), { runId: canaryRun.id, projectId: tp.id })).toMatchObject({
      model: d.name,
      served: { role: 'canary', versionId: d.candidate.id, version: '1.1.0' },
      shadow: null,
      liveAtSubmission: { versionId: d.live.id, version: '1.0.0' },
    });
    // the run page and GET /api/runs/:id say it too
    expect(await getRun(getDb(), { runId: canaryRun.id, projectId: tp.id, seeShadow: false })).toMatchObject({ liveAtSubmission: '1.0.0' });
    expect(await versionOfRun(getDb(), { runId: oldRun.id, projectId: tp.id })).toMatchObject({
      served: { role: 'live', version: '1.0.0' },
      shadow: { versionId: d.candidate.id, version: '1.1.0' },
    });
    expect(await versionOfRun(getDb(), { runId: oldRun.id, projectId: '00000000-0000-4000-8000-000000000000' })).toBeNull();
  });
});

describe('rollback', () => {
  it('takes the canary off in one step, live untouched, recorded as rolled_back', async () => {
    const d = await createDeployment(getDb(), { registeredBy: tp.users.operator.id, ownerProjectId: tp.id });
    await goodShadowRuns(d);
    await requestPromotion(getDb(), { modelId: d.modelId, stage: 'shadow', actorId: tp.users.admin.id });
    await approvePromotion(getDb(), { modelId: d.modelId, stage: 'shadow', actorId: other.id, reason: 'ok' });

    const res = await as(tp.users.operator.token, () => rollbackAction({ model: d.modelId, stage: 'canary', reason: 'users report missing grey matter' }));
    expect(res).toMatchObject({ ok: true });
    expect(await slotOf(d)).toMatchObject({ liveVersionId: d.live.id, canaryVersionId: null, canaryPercent: 0, shadowVersionId: null });
    const [last] = await slotHistory(getDb(), { modelId: d.modelId, limit: 1 });
    expect(last).toMatchObject({
      state: 'rolled_back',
      stage: 'canary',
      versionId: d.candidate.id,
      actorId: tp.users.operator.id,
      reason: 'users report missing grey matter',
    });

    // nothing left to roll back; a shadow rolls back the same way
    await expect(rollBackCandidate(getDb(), { modelId: d.modelId, stage: 'canary', actorId: other.id, reason: 'again' })).rejects.toMatchObject({
      code: 'not_found',
    });
    const e = await createDeployment(getDb(), { registeredBy: null, ownerProjectId: tp.id });
    await rollBackCandidate(getDb(), { modelId: e.modelId, stage: 'shadow', actorId: other.id, reason: 'wrong spacing' });
    expect(await slotOf(e)).toMatchObject({ liveVersionId: e.live.id, shadowVersionId: null });
  });
});
