import { randomBytes } from 'node:crypto';
import { projects, users } from '../db/schema';
import type { Role } from '../lib/auth/permissions';
import type { Db } from '../lib/db';
import type { MatrixRow } from './endpoint-matrix';
import type { TestProject } from './test-project';

const MANAGERS: Role[] = ['operator', 'admin'];

/** A bare project to grant a model to (no members: the grant is the owner's decision alone). */
async function grantee(db: Db): Promise<string> {
  const tag = randomBytes(4).toString('hex');
  const [p] = await db
    .insert(projects)
    .values({ slug: `g-${tag}`, name: `Grantee ${tag}`, deidSecret: randomBytes(32).toString('hex') })
    .returning();
  return p.slug;
}

async function ownedDeployment(db: Db, project: TestProject) {
  const { createDeployment } = await import('../lib/rollout/test/scenario');
  return createDeployment(db, { registeredBy: null, ownerProjectId: project.id });
}

/**
 * Rows of a model's grants and of the reject step: all act on a model owned by the matrix's project,
 * so a member of another project is refused (403, naming the owner) whatever their role there.
 */
export function addModelRows(matrix: Record<string, MatrixRow>): void {
  const grants = (d: { name: string }, method: string, body?: Record<string, unknown>) => ({
    method,
    path: `/api/models/${d.name}/grants`,
    params: { model: d.name },
    body,
  });
  matrix['app/api/models/[model]/grants/route.ts#GET'] = {
    permission: 'model:read',
    allowed: ['researcher', 'operator', 'admin'],
    ownedModel: true,
    input: async (db, project) => grants(await ownedDeployment(db, project), 'GET'),
  };
  // a grant is audited in the owner's log and the grantee's: two success events
  matrix['app/api/models/[model]/grants/route.ts#POST'] = {
    permission: 'model:register',
    allowed: MANAGERS,
    ownedModel: true,
    events: 2,
    input: async (db, project) => grants(await ownedDeployment(db, project), 'POST', { project: await grantee(db) }),
  };
  matrix['app/api/models/[model]/grants/route.ts#DELETE'] = {
    permission: 'model:register',
    allowed: MANAGERS,
    ownedModel: true,
    events: 2,
    input: async (db, project) => {
      const d = await ownedDeployment(db, project);
      const slug = await grantee(db);
      await grantFor(db, d.modelId, slug);
      return grants(d, 'DELETE', { project: slug });
    },
  };
  matrix['app/(app)/models/actions.ts#grantModelAction'] = {
    permission: 'model:register',
    allowed: MANAGERS,
    ownedModel: true,
    events: 2,
    input: async (db, project) => ({ method: 'POST', path: '', body: { model: (await ownedDeployment(db, project)).modelId, project: await grantee(db) } }),
  };
  matrix['app/(app)/models/actions.ts#revokeModelAction'] = {
    permission: 'model:register',
    allowed: MANAGERS,
    ownedModel: true,
    events: 2,
    input: async (db, project) => {
      const d = await ownedDeployment(db, project);
      const slug = await grantee(db);
      await grantFor(db, d.modelId, slug);
      return { method: 'POST', path: '', body: { model: d.modelId, project: slug } };
    },
  };
  // the model's own gate policy, with a reason
  matrix['app/api/models/[model]/gate-policy/route.ts#PUT'] = {
    permission: 'promotion:approve',
    allowed: MANAGERS,
    ownedModel: true,
    input: async (db, project) => {
      const d = await ownedDeployment(db, project);
      return {
        method: 'PUT',
        path: `/api/models/${d.name}/gate-policy`,
        params: { model: d.name },
        body: { policy: { shadow: { minComparedCases: 5 } }, reason: 'matrix' },
      };
    },
  };
  matrix['app/(app)/promotions/actions.ts#setGatePolicyAction'] = {
    permission: 'promotion:approve',
    allowed: MANAGERS,
    ownedModel: true,
    input: async (db, project) => ({
      method: 'POST',
      path: '',
      body: { model: (await ownedDeployment(db, project)).modelId, policy: { canarySteps: [50] }, reason: 'matrix' },
    }),
  };
  // a requested promotion (by a third person), declined
  matrix['app/api/models/[model]/rollout/reject/route.ts#POST'] = {
    permission: 'promotion:approve',
    allowed: MANAGERS,
    ownedModel: true,
    input: async (db, project) => {
      const { requestPromotion } = await import('../lib/rollout/request-promotion');
      const { addRuns, createStudy } = await import('../lib/rollout/test/scenario');
      const d = await ownedDeployment(db, project);
      await addRuns(db, project, await createStudy(db, project), 20, { served: { versionId: d.live.id, role: 'live' }, shadowVersionId: d.candidate.id });
      const [requester] = await db
        .insert(users)
        .values({ email: `req-${randomBytes(4).toString('hex')}@test.segflow`, name: 'requester' })
        .returning();
      await db.transaction((tx) => requestPromotion(tx, { modelId: d.modelId, stage: 'shadow', actorId: requester.id }));
      return { method: 'POST', path: `/api/models/${d.name}/rollout/reject`, params: { model: d.name }, body: { version: '1.1.0', reason: 'matrix' } };
    },
  };
}

async function grantFor(db: Db, modelId: string, slug: string): Promise<void> {
  const { eq } = await import('drizzle-orm');
  const { modelGrants } = await import('../db/schema');
  const [p] = await db.select({ id: projects.id }).from(projects).where(eq(projects.slug, slug));
  await db.insert(modelGrants).values({ modelId, projectId: p.id });
}
