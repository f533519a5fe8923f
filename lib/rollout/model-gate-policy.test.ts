/**
 * A model's own gate policy: its fields over the deployment's over the defaults, checked field by
 * field when set (a misspelt field is refused, not ignored), and the one the gate of that model is
 * evaluated with; other models keep the deployment's policy. Real PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '../db';
import { createTestProject, type TestProject } from '../../test/test-project';
import { evaluateGate } from './evaluate-gate';
import { DEFAULT_GATE_POLICY, layerPolicy } from './gate-policy';
import { modelGatePolicy, parseGatePolicyOverride, setModelGatePolicy } from './model-gate-policy';
import { addRuns, createDeployment, createStudy } from './test/scenario';

describe('gate policy per model', () => {
  let tp: TestProject;
  beforeAll(async () => {
    tp = await createTestProject(getDb());
  });
  afterAll(closeDb);

  it('lays shadow and canary fields one by one, and canary steps as a whole', () => {
    expect(
      layerPolicy({ shadow: { minComparedCases: 3, diceP10Min: 0.7 }, canarySteps: [10, 50] }, { shadow: { minComparedCases: 2 }, canarySteps: [100] }),
    ).toEqual({
      shadow: { minComparedCases: 2, diceP10Min: 0.7 },
      canarySteps: [100],
    });
  });

  it('refuses unknown fields and bad values, naming the field', () => {
    expect(() => parseGatePolicyOverride({ shadow: { minComparedCase: 2 } })).toThrow(/^policy\.shadow\.minComparedCase: unknown field/);
    expect(() => parseGatePolicyOverride({ live: {} })).toThrow('policy.live: unknown field (shadow, canary, canarySteps)');
    expect(() => parseGatePolicyOverride({ shadow: { diceP10Min: 2 } })).toThrow(/^policy\.shadow\.diceP10Min: /);
    expect(() => parseGatePolicyOverride({ canarySteps: [50, 10] })).toThrow('policy.canarySteps: canary steps must increase');
  });

  it("evaluates a model's gate with its own policy, and other models with the deployment's", async () => {
    const db = getDb();
    const own = await createDeployment(db, { registeredBy: null, ownerProjectId: tp.id });
    const other = await createDeployment(db, { registeredBy: null, ownerProjectId: tp.id });
    for (const d of [own, other]) {
      await addRuns(db, tp, await createStudy(db, tp), 3, { served: { versionId: d.live.id, role: 'live' }, shadowVersionId: d.candidate.id });
    }
    expect(await evaluateGate(db, { modelId: own.modelId, stage: 'shadow' })).toMatchObject({ passed: false, cases: 3, minCases: 20 });

    await expect(setModelGatePolicy(db, { modelId: own.modelId, policy: { shadow: { minComparedCases: 3 } }, actorId: null, reason: ' ' })).rejects.toThrow(
      'reason: a change of the gate policy needs a reason',
    );
    const set = await setModelGatePolicy(db, {
      modelId: own.modelId,
      policy: { shadow: { minComparedCases: 3 }, canarySteps: [50] },
      actorId: tp.users.operator.id,
      reason: 'a small study',
    });
    expect(set).toMatchObject({ override: { shadow: { minComparedCases: 3 }, canarySteps: [50] }, reason: 'a small study', by: tp.users.operator.email });
    expect(set.policy.shadow).toEqual({ ...DEFAULT_GATE_POLICY.shadow, minComparedCases: 3 });
    expect(await evaluateGate(db, { modelId: own.modelId, stage: 'shadow' })).toMatchObject({
      passed: true,
      cases: 3,
      minCases: 3,
      target: { stage: 'canary', percent: 50 },
    });
    expect(await evaluateGate(db, { modelId: other.modelId, stage: 'shadow' })).toMatchObject({ passed: false, minCases: 20 });

    // {} goes back to the deployment's policy
    await setModelGatePolicy(db, { modelId: own.modelId, policy: {}, actorId: tp.users.operator.id, reason: 'enough cases now' });
    expect(await modelGatePolicy(db, own.modelId)).toMatchObject({ override: null, policy: DEFAULT_GATE_POLICY, reason: 'enough cases now' });
  });
});
