import { randomBytes } from 'node:crypto';
import { models, modelVersions, studies, users } from '../db/schema';
import type { Role } from '../lib/auth/permissions';
import type { Db } from '../lib/db';
import type { MatrixRow } from './endpoint-matrix';
import type { TestProject } from './test-project';

const APPROVERS: Role[] = ['operator', 'admin'];

/** A model with 1.0.0 live and 1.1.0 in shadow (registered by nobody), and 20 agreeing compared cases: its gate passes. */
async function passingShadow(db: Db, project: TestProject) {
  const { addRuns, createDeployment } = await import('../lib/rollout/test/scenario');
  const d = await createDeployment(db, { registeredBy: null, ownerProjectId: project.id });
  const [study] = await db
    .insert(studies)
    .values({ projectId: project.id, label: `M-${randomBytes(4).toString('hex')}` })
    .returning();
  await addRuns(db, project, study.id, 20, { served: { versionId: d.live.id, role: 'live' }, shadowVersionId: d.candidate.id });
  return d;
}

/** A passing shadow whose promotion a third person requested: neither registrant nor requester is the caller. */
async function requestedShadow(db: Db, project: TestProject) {
  const { requestPromotion } = await import('../lib/rollout/request-promotion');
  const d = await passingShadow(db, project);
  const [requester] = await db
    .insert(users)
    .values({ email: `req-${randomBytes(4).toString('hex')}@test.segflow`, name: 'requester' })
    .returning();
  await db.transaction((tx) => requestPromotion(tx, { modelId: d.modelId, stage: 'shadow', actorId: requester.id }));
  return d;
}

/** Rows of the rollout endpoints (kept apart so parallel work does not edit one file); added by endpoint-matrix.ts. */
export function addRolloutRows(matrix: Record<string, MatrixRow>): void {
  matrix['app/(app)/promotions/actions.ts#requestPromotionAction'] = {
    permission: 'promotion:approve',
    allowed: APPROVERS,
    ownedModel: true,
    input: async (db, project) => {
      const d = await passingShadow(db, project);
      return { method: 'POST', path: '', body: { model: d.modelId, stage: 'shadow' } };
    },
  };
  matrix['app/(app)/promotions/actions.ts#approvePromotionAction'] = {
    permission: 'promotion:approve',
    allowed: APPROVERS,
    ownedModel: true,
    input: async (db, project) => {
      const d = await requestedShadow(db, project);
      return { method: 'POST', path: '', body: { model: d.modelId, stage: 'shadow', reason: 'matrix' } };
    },
  };
  matrix['app/(app)/promotions/actions.ts#rejectPromotionAction'] = {
    permission: 'promotion:approve',
    allowed: APPROVERS,
    ownedModel: true,
    // a request waiting for approval: there is something to reject
    input: async (db, project) => {
      const d = await requestedShadow(db, project);
      return { method: 'POST', path: '', body: { model: d.modelId, stage: 'shadow', reason: 'matrix' } };
    },
  };
  matrix['app/(app)/promotions/actions.ts#rollbackAction'] = {
    permission: 'promotion:approve',
    allowed: APPROVERS,
    ownedModel: true,
    input: async (db, project) => {
      const { createDeployment } = await import('../lib/rollout/test/scenario');
      const d = await createDeployment(db, { registeredBy: null, ownerProjectId: project.id });
      return { method: 'POST', path: '', body: { model: d.modelId, stage: 'shadow', reason: 'matrix' } };
    },
  };
  matrix['app/(app)/models/actions.ts#deployShadowAction'] = {
    permission: 'model:register',
    allowed: APPROVERS,
    ownedModel: true,
    // a live version and a validated one that is on no stage yet
    input: async (db, project) => {
      const { setSlotVersion } = await import('../lib/models/set-slot-version');
      const name = `shadow-${randomBytes(4).toString('hex')}`;
      const [model] = await db.insert(models).values({ name, ownerProjectId: project.id }).returning();
      const spec = { labels: [{ value: 1, name: 'White Matter' }] };
      const [live, next] = await db
        .insert(modelVersions)
        .values(
          ['1.0.0', '1.1.0'].map((v) => ({
            modelId: model.id,
            version: v,
            sha256: randomBytes(32).toString('hex'),
            artifactKey: `models/${name}/${v}/model.onnx`,
            spec,
            status: 'validated' as const,
          })),
        )
        .returning();
      await setSlotVersion(db, { modelId: model.id, versionId: live.id, stage: 'live', reason: 'matrix: live' });
      return { method: 'POST', path: '', body: { model: model.id, version: next.id, reason: 'matrix' } };
    },
  };

  // the same steps over the API (`segflow rollout`), by model name and version
  const api = (op: string, d: { name: string }, body: Record<string, unknown>) => ({
    method: 'POST',
    path: `/api/models/${d.name}/rollout/${op}`,
    params: { model: d.name },
    body,
  });
  const routeOf = (op: string) => `app/api/models/[model]/rollout/${op}/route.ts#POST`;
  matrix[routeOf('shadow')] = {
    permission: 'model:register',
    allowed: APPROVERS,
    ownedModel: true,
    input: async (db, project) => {
      const { createDeployment } = await import('../lib/rollout/test/scenario');
      const { rollBackCandidate } = await import('../lib/rollout/roll-back-candidate');
      const d = await createDeployment(db, { registeredBy: null, ownerProjectId: project.id });
      // 1.1.0 off its shadow stage again: a validated version on no stage
      await db.transaction((tx) => rollBackCandidate(tx, { modelId: d.modelId, stage: 'shadow', actorId: null, reason: 'matrix' }));
      return api('shadow', d, { version: '1.1.0', reason: 'matrix' });
    },
  };
  matrix[routeOf('request')] = {
    permission: 'promotion:approve',
    allowed: APPROVERS,
    ownedModel: true,
    input: async (db, project) => api('request', await passingShadow(db, project), { version: '1.1.0' }),
  };
  matrix[routeOf('approve')] = {
    permission: 'promotion:approve',
    allowed: APPROVERS,
    ownedModel: true,
    input: async (db, project) => {
      const { requestPromotion } = await import('../lib/rollout/request-promotion');
      const d = await passingShadow(db, project);
      const [requester] = await db
        .insert(users)
        .values({ email: `req-${randomBytes(4).toString('hex')}@test.segflow`, name: 'requester' })
        .returning();
      await db.transaction((tx) => requestPromotion(tx, { modelId: d.modelId, stage: 'shadow', actorId: requester.id }));
      return api('approve', d, { version: '1.1.0', reason: 'matrix' });
    },
  };
  matrix[routeOf('rollback')] = {
    permission: 'promotion:approve',
    allowed: APPROVERS,
    ownedModel: true,
    input: async (db, project) => {
      const { createDeployment } = await import('../lib/rollout/test/scenario');
      return api('rollback', await createDeployment(db, { registeredBy: null, ownerProjectId: project.id }), { version: '1.1.0', reason: 'matrix' });
    },
  };
  matrix[routeOf('promote-back')] = {
    permission: 'promotion:approve',
    allowed: APPROVERS,
    ownedModel: true,
    // 1.1.0 went live after 1.0.0: putting 1.0.0 back
    input: async (db, project) => {
      const { createDeployment } = await import('../lib/rollout/test/scenario');
      const { setSlotVersion } = await import('../lib/models/set-slot-version');
      const d = await createDeployment(db, { registeredBy: null, ownerProjectId: project.id });
      await db.transaction(async (tx) => {
        const { deploymentSlots } = await import('../db/schema');
        const { eq } = await import('drizzle-orm');
        await tx.update(deploymentSlots).set({ shadowVersionId: null }).where(eq(deploymentSlots.modelId, d.modelId));
        await setSlotVersion(tx, { modelId: d.modelId, versionId: d.candidate.id, stage: 'live', reason: 'matrix: 1.1.0 live' });
      });
      return api('promote-back', d, { version: '1.0.0', reason: 'matrix' });
    },
  };
  matrix['app/api/models/[model]/history/route.ts#GET'] = {
    permission: 'model:read',
    allowed: ['researcher', 'operator', 'admin'],
    input: async (db, project) => {
      const { createDeployment } = await import('../lib/rollout/test/scenario');
      const d = await createDeployment(db, { registeredBy: null, ownerProjectId: project.id });
      return { method: 'GET', path: `/api/models/${d.name}/history`, params: { model: d.name } };
    },
  };
}
