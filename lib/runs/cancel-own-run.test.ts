import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as cancelRoute from '@/app/api/runs/[run]/cancel/route';
import { auditEvents, runs, runSteps, users } from '@/db/schema';
import { parseRunParams } from '@/db/schema/run-json';
import { planRun } from '@/lib/pipeline/definition';
import { getRun } from '@/lib/runs/get-run';
import { createApiToken } from '@/lib/auth/api-tokens';
import { getDb } from '@/lib/db';
import { newRun } from '@/test/endpoint-matrix';
import { routeRequest, type RouteTable } from '@/test/route-server';
import { createTestProject, type TestProject } from '@/test/test-project';
import { memberships } from '@/db/schema';

/**
 * Researchers may cancel their own queued runs (issue 9) — not another researcher's, not a running
 * one (operators stop those); an operator cancels any. Through the real route, with the refusal's
 * reason in the user's words and in the audit log.
 */
const routes: RouteTable = [['POST', /^\/api\/runs\/([^/]+)\/cancel$/, ['run'], cancelRoute.POST]];
const cancel = (token: string, run: string) =>
  routeRequest(
    routes,
    new Request(`http://segflow.test/api/runs/${run}/cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'wrong series' }),
    }),
  );

let p: TestProject;
let otherResearcher: string; // a second researcher's token in the same project

beforeAll(async () => {
  const db = getDb();
  p = await createTestProject(db);
  const [u] = await db
    .insert(users)
    .values({ email: `r2-${p.slug}@segflow.test`, name: 'Second researcher' })
    .returning();
  await db.insert(memberships).values({ userId: u.id, projectId: p.id, role: 'researcher' });
  otherResearcher = (await createApiToken(db, { userId: u.id, name: 't' })).token;
});

const statusOf = async (id: string) => (await getDb().select({ s: runs.status }).from(runs).where(eq(runs.id, id)))[0].s;

describe('cancelling runs as a researcher', () => {
  it('cancels their own queued run; the run page shows each of its steps as cancelled, as for a run cancelled mid-run', async () => {
    const run = await newRun(getDb(), p, { status: 'queued', executor: 'permission-matrix' });
    const res = await cancel(p.users.researcher.token, run.id);
    expect(res.status).toBe(200);
    expect(await statusOf(run.id)).toBe('cancelled');
    const recorded = await getDb().select().from(runSteps).where(eq(runSteps.runId, run.id));
    const planned = planRun({ shadow: Boolean(parseRunParams(run).shadow) }).map((t) => t.id);
    expect(recorded.map((st) => st.name).sort()).toEqual([...planned].sort());
    expect(recorded.every((st) => st.status === 'cancelled' && st.finishedAt !== null)).toBe(true);
    const page = await getRun(getDb(), { runId: run.id, projectId: p.id, seeShadow: true });
    expect(page.steps.map((st) => st.status)).toEqual(page.steps.map(() => 'cancelled'));
  });

  it("refuses another researcher's run and their own running run, saying why; an operator may cancel either", async () => {
    const db = getDb();
    const queued = await newRun(db, p, { status: 'queued', executor: 'permission-matrix' });
    let res = await cancel(otherResearcher, queued.id);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/submitted by someone else: you may cancel only your own queued runs/);
    expect(await statusOf(queued.id)).toBe('queued');

    const running = await newRun(db, p, { status: 'running', executor: 'permission-matrix' });
    res = await cancel(p.users.researcher.token, running.id);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/is running: you may cancel your own runs only while they are queued/);
    expect(await statusOf(running.id)).toBe('running');
    const refused = await db.select().from(auditEvents).where(eq(auditEvents.targetId, running.id));
    expect(refused.map((e) => [e.action, e.outcome, e.details.code])).toEqual([['run.cancel', 'failure', 'forbidden']]);

    for (const id of [queued.id, running.id]) {
      expect((await cancel(p.users.operator.token, id)).status).toBe(200);
      expect(await statusOf(id)).toBe('cancelled');
    }
  });

  it('reviewers cannot cancel at all', async () => {
    const run = await newRun(getDb(), p, { status: 'queued', executor: 'permission-matrix' });
    expect((await cancel(p.users.reviewer.token, run.id)).status).toBe(403);
  });
});
