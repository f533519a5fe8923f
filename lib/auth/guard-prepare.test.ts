/**
 * The guard's `prepare` stage (work that computes, then a short transaction that writes): it runs
 * after authorization and outside any transaction, its result reaches the work, and a failure in it
 * is audited like the work's. Real PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { auditEvents } from '@/db/schema';
import { closeDb, type DbOrTx, getDb } from '../db';
import { AppError } from '../errors';
import { createTestProject, type TestProject } from '../../test/test-project';
import { runGuarded, type GuardSpec } from './guard';

/**
 * true when the statement runs in a transaction of its own: the transaction began with it. In one
 * begun before (BEGIN, then a round trip at least), now() is the earlier time.
 */
async function ownTransaction(db: DbOrTx): Promise<boolean> {
  const rows = await db.execute<{ own: boolean }>(sql`select now() = statement_timestamp() as own`);
  return [...rows][0].own;
}

describe('the guard prepares before it opens the transaction', () => {
  let project: TestProject;
  const headers = (token: string, requestId: string) => new Headers({ authorization: `Bearer ${token}`, 'x-request-id': requestId });
  const eventsOf = (requestId: string) =>
    getDb().select({ outcome: auditEvents.outcome, details: auditEvents.details }).from(auditEvents).where(eq(auditEvents.requestId, requestId));
  const spec = (
    steps: string[],
    prepare: () => Promise<unknown>,
  ): GuardSpec<{ project: string }, 'project:manage', { checked: unknown; outside: boolean }> => ({
    action: 'test.prepare',
    permission: 'project:manage',
    input: z.object({ project: z.string() }),
    project: (i) => i.project,
    prepare: async (ctx) => {
      steps.push(`prepare as ${ctx.actor.email} in ${ctx.project?.id}`);
      return { checked: await prepare(), outside: await ownTransaction(ctx.db) };
    },
  });

  beforeAll(async () => {
    project = await createTestProject(getDb());
  });
  afterAll(closeDb);

  it('runs prepare outside a transaction, then the work inside one with what prepare gave', async () => {
    const steps: string[] = [];
    const requestId = `prepare-${randomUUID()}`;
    const out = await runGuarded(
      spec(steps, async () => 'bundle checked'),
      headers(project.users.admin.token, requestId),
      { project: project.id },
      async (ctx) => {
        steps.push('work');
        return { prepared: ctx.prepared, workOutside: await ownTransaction(ctx.tx) };
      },
    );
    expect(out).toEqual({ prepared: { checked: 'bundle checked', outside: true }, workOutside: false });
    expect(steps).toEqual([`prepare as ${project.users.admin.email} in ${project.id}`, 'work']);
    expect(await eventsOf(requestId)).toEqual([{ outcome: 'success', details: {} }]);
  });

  it('never prepares for a refused caller', async () => {
    const steps: string[] = [];
    const requestId = `prepare-${randomUUID()}`;
    await expect(
      runGuarded(
        spec(steps, async () => 'never'),
        headers(project.users.researcher.token, requestId),
        { project: project.id },
        async () => {
          steps.push('work');
        },
      ),
    ).rejects.toMatchObject({ code: 'forbidden' });
    expect(steps).toEqual([]);
    expect(await eventsOf(requestId)).toMatchObject([{ outcome: 'denied' }]);
  });

  it('audits a failure in prepare as a failure, and the work never runs', async () => {
    const steps: string[] = [];
    const requestId = `prepare-${randomUUID()}`;
    const failing = spec(steps, async () => {
      throw new AppError('conflict', 'not uploaded yet: model.onnx');
    });
    await expect(
      runGuarded(failing, headers(project.users.admin.token, requestId), { project: project.id }, async () => {
        steps.push('work');
      }),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect(steps).toEqual([`prepare as ${project.users.admin.email} in ${project.id}`]);
    expect(await eventsOf(requestId)).toEqual([{ outcome: 'failure', details: { code: 'conflict' } }]);
  });
});
