/**
 * A model belongs to its owning project: only that project's operators and admins change its slot or
 * grant it, and another project runs it only with a grant. Through the real route handlers, with
 * API tokens, against PostgreSQL and the embedded store (the run submission uploads a real volume).
 */
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, deploymentSlots, runs } from '@/db/schema';
import { DELETE as revokeRoute, GET as grantsRoute, POST as grantRoute } from '@/app/api/models/[model]/grants/route';
import { POST as runsRoute } from '@/app/api/projects/[project]/runs/route';
import { POST as rejectRoute } from '@/app/api/models/[model]/rollout/reject/route';
import { POST as requestRoute } from '@/app/api/models/[model]/rollout/request/route';
import { POST as rollbackRoute } from '@/app/api/models/[model]/rollout/rollback/route';
import { closeDb, getDb } from '../db';
import { createTestProject, type TestProject } from '../../test/test-project';
import { seedUploadedFile } from '../../test/seed-uploaded-file';
import { addRuns, createDeployment, createStudy, type Deployment } from '../rollout/test/scenario';

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

async function call(fn: Handler, token: string, method: string, params: Record<string, string>, body?: unknown, requestId?: string) {
  const headers = new Headers({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
  if (requestId) headers.set('x-request-id', requestId);
  const res = await fn(new Request('http://localhost/api', { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }), {
    params: Promise.resolve(params),
  });
  return { status: res.status, body: (await res.json()) as { error?: { message: string } } & Record<string, unknown> };
}

describe('model ownership and grants', { timeout: 120_000 }, () => {
  let owner: TestProject;
  let other: TestProject;
  let d: Deployment;

  beforeAll(async () => {
    const db = getDb();
    owner = await createTestProject(db);
    other = await createTestProject(db);
    d = await createDeployment(db, { registeredBy: null, ownerProjectId: owner.id });
  });
  afterAll(async () => {
    await getDb()
      .update(runs)
      .set({ status: 'cancelled' })
      .where(and(inArray(runs.projectId, [owner.id, other.id]), eq(runs.status, 'queued')));
    await closeDb();
  });

  it("refuses another project's operator and admin a change of the slot, naming the owner; the refusal is in the owner's log", async () => {
    for (const role of ['operator', 'admin'] as const) {
      const requestId = `own-${role}-${Date.now()}`;
      const r = await call(rollbackRoute as Handler, other.users[role].token, 'POST', { model: d.name }, { version: '1.1.0', reason: 'not mine' }, requestId);
      expect(r.status).toBe(403);
      expect(r.body.error?.message).toBe(
        `model ${d.name} belongs to project ${owner.slug}: only its operators and admins may do this, and you are not a member of ${owner.slug}`,
      );
      const [denied] = await getDb().select().from(auditEvents).where(eq(auditEvents.requestId, requestId));
      expect(denied).toMatchObject({ outcome: 'denied', projectId: owner.id, action: 'promotion.rollback' });
    }
    const [slot] = await getDb().select().from(deploymentSlots).where(eq(deploymentSlots.modelId, d.modelId));
    expect(slot.shadowVersionId).toBe(d.candidate.id);
    // the owner's researcher is a member, but without the permission
    const r = await call(rollbackRoute as Handler, owner.users.researcher.token, 'POST', { model: d.name }, { version: '1.1.0', reason: 'x' });
    expect(r.status).toBe(403);
    expect(r.body.error?.message).toBe(`model ${d.name} belongs to project ${owner.slug}, where your role (researcher) does not allow promotion:approve`);
  });

  it('refuses another project a run of the model until the owner grants it, and again once the grant is revoked', async () => {
    const db = getDb();
    const submit = async () => {
      const f = await seedUploadedFile(db, other);
      return call(runsRoute as Handler, other.users.researcher.token, 'POST', { project: other.slug }, { series: f.seriesId, model: d.name });
    };
    const refused = await submit();
    expect(refused.status).toBe(403);
    expect(refused.body.error?.message).toBe(
      `project ${other.slug} may not use model ${d.name}: it belongs to project ${owner.slug}, whose operators or admins can grant it to your project`,
    );

    // another project's operator cannot grant it to themselves
    const selfGrant = await call(grantRoute as Handler, other.users.operator.token, 'POST', { model: d.name }, { project: other.slug });
    expect(selfGrant.status).toBe(403);
    expect(selfGrant.body.error?.message).toContain(`belongs to project ${owner.slug}`);

    const requestId = `grant-${Date.now()}`;
    const granted = await call(grantRoute as Handler, owner.users.operator.token, 'POST', { model: d.name }, { project: other.slug }, requestId);
    expect(granted.status).toBe(200);
    // audited in both projects' logs
    const events = await db.select().from(auditEvents).where(eq(auditEvents.requestId, requestId));
    expect(events.map((e) => e.projectId).sort()).toEqual([owner.id, other.id].sort());
    const list = await call(grantsRoute as Handler, owner.users.researcher.token, 'GET', { model: d.name });
    expect(list.body).toMatchObject({ owner: owner.slug, grants: [{ project: other.slug, grantedBy: owner.users.operator.email }] });

    const ok = await submit();
    expect(ok.status).toBe(201);

    // granted use is not ownership: the grantee's operator still cannot change the slot
    const rollback = await call(rollbackRoute as Handler, other.users.operator.token, 'POST', { model: d.name }, { version: '1.1.0', reason: 'x' });
    expect(rollback.status).toBe(403);

    const revoked = await call(revokeRoute as Handler, owner.users.admin.token, 'DELETE', { model: d.name }, { project: other.slug });
    expect(revoked.status).toBe(200);
    expect((await submit()).status).toBe(403);
    const again = await call(revokeRoute as Handler, owner.users.admin.token, 'DELETE', { model: d.name }, { project: other.slug });
    expect(again.status).toBe(404);
    expect(again.body.error?.message).toBe(`project ${other.slug} holds no grant for ${d.name}`);
  });

  it('rejects a requested promotion: the request is closed, the candidate stays in shadow, and a new request can follow', async () => {
    const db = getDb();
    const e = await createDeployment(db, { registeredBy: null, ownerProjectId: owner.id });
    await addRuns(db, owner, await createStudy(db, owner), 20, { served: { versionId: e.live.id, role: 'live' }, shadowVersionId: e.candidate.id });
    const none = await call(rejectRoute as Handler, owner.users.operator.token, 'POST', { model: e.name }, { version: '1.1.0', reason: 'no' });
    expect(none.status).toBe(409);
    expect(none.body.error?.message).toBe(`no promotion of ${e.name}@1.1.0 is waiting for approval: there is nothing to reject`);
    expect((await call(requestRoute as Handler, owner.users.operator.token, 'POST', { model: e.name }, { version: '1.1.0' })).status).toBe(200);
    const crossProject = await call(rejectRoute as Handler, other.users.operator.token, 'POST', { model: e.name }, { version: '1.1.0', reason: 'no' });
    expect(crossProject.status).toBe(403);
    const rejected = await call(
      rejectRoute as Handler,
      owner.users.admin.token,
      'POST',
      { model: e.name },
      { version: '1.1.0', reason: 'wait for more cases' },
    );
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ rejected: 'shadow' });
    const [slot] = await db.select().from(deploymentSlots).where(eq(deploymentSlots.modelId, e.modelId));
    expect(slot.shadowVersionId).toBe(e.candidate.id);
    // nothing waits any more; asking again opens a new request
    expect((await call(rejectRoute as Handler, owner.users.admin.token, 'POST', { model: e.name }, { version: '1.1.0', reason: 'x' })).status).toBe(409);
    expect((await call(requestRoute as Handler, owner.users.operator.token, 'POST', { model: e.name }, { version: '1.1.0' })).status).toBe(200);
    expect((await call(rejectRoute as Handler, owner.users.admin.token, 'POST', { model: e.name }, { version: '1.1.0', reason: 'x' })).status).toBe(200);
  });
});
