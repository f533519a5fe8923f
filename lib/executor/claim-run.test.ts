import { randomBytes } from 'node:crypto';
import { drizzle } from 'drizzle-orm/postgres-js';
import { eq, inArray, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '@/db/schema';
import { runs } from '@/db/schema';
import { databaseUrl } from '@/lib/config';
import { getDb } from '@/lib/db';
import { createUpload } from '@/lib/uploads/create-upload';
import { fakeRunParams } from '@/test/run-params';
import { createTestProject, type TestProject } from '@/test/test-project';
import { finishRun } from '@/lib/runs/finish-run';
import { claimNextRun, handBackRun, renewLeases } from './claim-run';

// Each "executor" is a process of its own: its own connection pool. The runs are of an executor kind
// no real executor takes (an executor sharing this database, CI's e2e app, never sees them) and no
// other test claims.
const KIND = `claim-test-${randomBytes(3).toString('hex')}`;
const pools: postgres.Sql[] = [];
const executorDb = () => {
  const client = postgres(databaseUrl()!, { max: 2, onnotice: () => {} });
  pools.push(client);
  return drizzle(client, { schema });
};

let tp: TestProject;
let studyId: string;
const made: string[] = [];

async function queuedRuns(n: number): Promise<string[]> {
  const rows = await getDb()
    .insert(runs)
    .values(
      Array.from({ length: n }, () => ({
        projectId: tp.id,
        studyId,
        runKey: randomBytes(32).toString('hex'),
        pipelineVersion: 'segflow-pipeline/1',
        params: fakeRunParams(),
        executor: KIND,
      })),
    )
    .returning({ id: runs.id });
  made.push(...rows.map((r) => r.id));
  return rows.map((r) => r.id);
}

beforeAll(async () => {
  tp = await createTestProject(getDb());
  ({ studyId } = await getDb().transaction((tx) => createUpload(tx, { projectId: tp.id, userId: tp.users.researcher.id })));
});

afterAll(async () => {
  if (made.length) await getDb().update(runs).set({ status: 'cancelled', claimedBy: null, leaseExpiresAt: null }).where(inArray(runs.id, made));
  for (const p of pools) await p.end({ timeout: 5 });
});

describe('claiming runs (one query for every executor)', () => {
  it('two executors claiming one queued run at the same moment: one claim', async () => {
    const [id] = await queuedRuns(1);
    const [a, b] = [executorDb(), executorDb()];
    const got = await Promise.all([
      claimNextRun(a, { executor: KIND, owner: 'exec-a', leaseS: 60 }),
      claimNextRun(b, { executor: KIND, owner: 'exec-b', leaseS: 60 }),
    ]);
    expect(got.filter(Boolean)).toEqual([id]);
    const [row] = await getDb().select().from(runs).where(eq(runs.id, id));
    expect(row.status).toBe('running');
    expect(row.claimedBy).toBe(got[0] ? 'exec-a' : 'exec-b');
    expect(row.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 30_000);
    await getDb().update(runs).set({ status: 'succeeded', claimedBy: null, leaseExpiresAt: null }).where(eq(runs.id, id));
  });

  it('several executors draining a queue take every run exactly once, oldest first', async () => {
    const ids = await queuedRuns(6);
    const executors = ['e1', 'e2', 'e3'].map((owner) => ({ owner, db: executorDb(), got: [] as string[] }));
    await Promise.all(
      executors.map(async (e) => {
        for (
          let id = await claimNextRun(e.db, { executor: KIND, owner: e.owner, leaseS: 60 });
          id;
          id = await claimNextRun(e.db, { executor: KIND, owner: e.owner, leaseS: 60 })
        )
          e.got.push(id);
      }),
    );
    const all = executors.flatMap((e) => e.got);
    expect(all.sort()).toEqual([...ids].sort());
    const rows = await getDb().select({ id: runs.id, claimedBy: runs.claimedBy }).from(runs).where(inArray(runs.id, ids));
    for (const r of rows) expect(executors.find((e) => e.got.includes(r.id))!.owner).toBe(r.claimedBy);
    await getDb().update(runs).set({ status: 'succeeded', claimedBy: null, leaseExpiresAt: null }).where(inArray(runs.id, ids));
  });

  it("never takes a live executor's run; takes back one whose lease lapsed (its executor died), and the old holder can no longer renew or hand it back", async () => {
    const [id] = await queuedRuns(1);
    const [a, b] = [executorDb(), executorDb()];
    expect(await claimNextRun(a, { executor: KIND, owner: 'exec-a', leaseS: 60 })).toBe(id);
    // a's heartbeat keeps it
    expect(await renewLeases(a, { owner: 'exec-a', runIds: [id], leaseS: 60 })).toEqual(new Set([id]));
    expect(await claimNextRun(b, { executor: KIND, owner: 'exec-b', leaseS: 60 })).toBeNull();
    // a dies: no heartbeat, the lease lapses
    await getDb().update(runs).set({ leaseExpiresAt: sql`now() - interval '1 second'` }).where(eq(runs.id, id));
    expect(await claimNextRun(b, { executor: KIND, owner: 'exec-b', leaseS: 60 })).toBe(id);
    expect(await renewLeases(a, { owner: 'exec-a', runIds: [id], leaseS: 60 })).toEqual(new Set());
    expect(await handBackRun(a, { runId: id, owner: 'exec-a' })).toBeNull();
    // b hands it back (shutting down): queued, claimed by nobody, for the next executor
    expect(await handBackRun(b, { runId: id, owner: 'exec-b' })).toMatchObject({ id, status: 'queued', claimedBy: null, leaseExpiresAt: null });
    expect(await claimNextRun(a, { executor: KIND, owner: 'exec-a2', leaseS: 60 })).toBe(id);
    await getDb().update(runs).set({ status: 'succeeded', claimedBy: null, leaseExpiresAt: null }).where(eq(runs.id, id));
  });

  it('takes only runs of its own executor kind', async () => {
    const [id] = await queuedRuns(1);
    expect(await claimNextRun(getDb(), { executor: `${KIND}-other`, owner: 'x', leaseS: 60 })).toBeNull();
    expect(await claimNextRun(getDb(), { executor: KIND, owner: 'x', leaseS: 60 })).toBe(id);
  });
});

describe('finishing a run (both executors end runs through finishRun)', () => {
  it('finishes a running run once: a second executor syncing the same workflow, or a cancel before, leaves it as it is', async () => {
    const [a, b] = await queuedRuns(2);
    expect(await claimNextRun(getDb(), { executor: KIND, owner: 'x', leaseS: 60 })).toBe(a);
    const [runA] = await getDb().select().from(runs).where(eq(runs.id, a));
    const first = await finishRun(executorDb(), { run: runA, inputs: [] }, { status: 'succeeded' });
    expect(first).toMatchObject({ id: a, status: 'succeeded' });
    const again = await finishRun(executorDb(), { run: runA, inputs: [] }, { status: 'failed', error: 'late answer', failedTask: 'workflow' });
    expect(again).toMatchObject({ id: a, status: 'succeeded', error: null });
    expect(again.finishedAt!.getTime()).toBe(first.finishedAt!.getTime());

    expect(await claimNextRun(getDb(), { executor: KIND, owner: 'x', leaseS: 60 })).toBe(b);
    await getDb().update(runs).set({ status: 'cancelled' }).where(eq(runs.id, b));
    const [runB] = await getDb().select().from(runs).where(eq(runs.id, b));
    expect(await finishRun(getDb(), { run: runB, inputs: [] }, { status: 'succeeded' })).toMatchObject({ id: b, status: 'cancelled' });
  });
});
