/**
 * The guard's own audit outcomes: work that fails rolls back with everything it wrote, and the
 * failure is audited on its own (success never); a refusal is audited as denied, before any work.
 * Real PostgreSQL, the guard as every route and action uses it.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { auditEvents, projects } from '@/db/schema';
import { closeDb, getDb } from '../db';
import { AppError } from '../errors';
import { createTestProject, type TestProject } from '../../test/test-project';
import { runGuarded, type GuardSpec } from './guard';

const spec: GuardSpec<{ project: string }> = {
  action: 'test.rename',
  permission: 'project:manage',
  input: z.object({ project: z.string() }),
  project: (i) => i.project,
  target: (i) => ({ type: 'project', id: i.project }),
};

describe('the guard audits outcomes', () => {
  let project: TestProject;
  const headers = (token: string, requestId: string) => new Headers({ authorization: `Bearer ${token}`, 'x-request-id': requestId });
  const eventsOf = (requestId: string) =>
    getDb()
      .select({ outcome: auditEvents.outcome, details: auditEvents.details, projectId: auditEvents.projectId, action: auditEvents.action })
      .from(auditEvents)
      .where(eq(auditEvents.requestId, requestId));
  const nameOf = async () => (await getDb().select({ name: projects.name }).from(projects).where(eq(projects.id, project.id)))[0].name;

  beforeAll(async () => {
    project = await createTestProject(getDb());
  });
  afterAll(closeDb);

  it.each([
    ['an AppError', () => new AppError('conflict', 'the name is taken'), 'conflict'],
    ['an unexpected error', () => new TypeError("Cannot read properties of undefined (reading 'x')"), 'internal'],
  ])('work that throws %s rolls back what it wrote; the failure is audited with its code, no success', async (_label, error, code) => {
    const before = await nameOf();
    const requestId = `guard-${randomUUID()}`;
    await expect(
      runGuarded(spec, headers(project.users.admin.token, requestId), { project: project.id }, async (ctx) => {
        await ctx.tx.update(projects).set({ name: 'renamed by failed work' }).where(eq(projects.id, project.id));
        ctx.auditDetails.name = 'renamed by failed work';
        throw error();
      }),
    ).rejects.toThrow();
    expect(await nameOf()).toBe(before);
    const events = await eventsOf(requestId);
    expect(events).toEqual([{ outcome: 'failure', details: { code }, projectId: project.id, action: 'test.rename' }]);
  });

  it('work that succeeds commits with exactly one success event carrying its details', async () => {
    const requestId = `guard-${randomUUID()}`;
    await runGuarded(spec, headers(project.users.admin.token, requestId), { project: project.id }, async (ctx) => {
      await ctx.tx
        .update(projects)
        .set({ name: `renamed ${requestId}` })
        .where(eq(projects.id, project.id));
      ctx.auditDetails.name = `renamed ${requestId}`;
    });
    expect(await nameOf()).toBe(`renamed ${requestId}`);
    expect(await eventsOf(requestId)).toEqual([
      { outcome: 'success', details: { name: `renamed ${requestId}` }, projectId: project.id, action: 'test.rename' },
    ]);
  });

  it('a refused caller is audited as denied and the work never runs', async () => {
    const requestId = `guard-${randomUUID()}`;
    let ran = false;
    await expect(
      runGuarded(spec, headers(project.users.researcher.token, requestId), { project: project.id }, async () => {
        ran = true;
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    expect(ran).toBe(false);
    const events = await eventsOf(requestId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ outcome: 'denied', projectId: project.id, details: { code: 'forbidden', permission: 'project:manage' } });
  });
});
