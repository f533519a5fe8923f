import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '@/db/schema';
import { models, modelVersions, runs } from '@/db/schema';
import { databaseUrl, type ExecutorKind } from '@/lib/config';
import { getDb } from '@/lib/db';
import { setSlotVersion } from '@/lib/models/set-slot-version';
import { seedUploadedFile } from '@/test/seed-uploaded-file';
import { createTestProject, type TestProject } from '@/test/test-project';
import { submitRun } from './submit-run';

/**
 * Run idempotency rests on the unique (project, run_key) index: 50 identical submissions racing
 * from separate connection pools (as from several app replicas) make one run, and every one of them
 * answers that run. Real PostgreSQL (or the embedded one over the wire), no locks taken by the test.
 */
// an executor kind no real executor takes: an executor sharing this database (CI's e2e app) never sees the run
const KIND = `submit-test-${randomBytes(3).toString('hex')}` as unknown as ExecutorKind;
const SUBMISSIONS = 50;
// 5 pools of 5 connections (25 transactions in flight at once); the embedded database over the
// wire (no DATABASE_URL) serves fewer connections and runs one statement at a time anyway
const POOLS = process.env.SEGFLOW_TEST_EMBEDDED_DB ? 2 : 5;
const PER_POOL = process.env.SEGFLOW_TEST_EMBEDDED_DB ? 3 : 5;
const clients: postgres.Sql[] = [];

let tp: TestProject;
let seriesId: string;
let modelName: string;

beforeAll(async () => {
  const db = getDb();
  tp = await createTestProject(db);
  seriesId = (await seedUploadedFile(db, tp)).seriesId!;
  modelName = `submit-${randomBytes(4).toString('hex')}`;
  const [model] = await db.insert(models).values({ name: modelName }).returning();
  const [live] = await db
    .insert(modelVersions)
    .values({
      modelId: model.id,
      version: '1.0.0',
      sha256: randomBytes(32).toString('hex'),
      artifactKey: `models/${modelName}/1.0.0/model.onnx`,
      spec: { labels: [{ value: 1, name: 'White Matter' }] },
      status: 'validated',
    })
    .returning();
  await setSlotVersion(db, { modelId: model.id, versionId: live.id, stage: 'live', reason: 'test' });
});

afterAll(async () => {
  await getDb().update(runs).set({ status: 'cancelled' }).where(eq(runs.projectId, tp.id));
  for (const c of clients) await c.end({ timeout: 5 });
});

describe('submitting the same run concurrently', () => {
  it(`${SUBMISSIONS} identical submissions at once: one run, and every submission answers it`, async () => {
    const pools = Array.from({ length: POOLS }, () => {
      const client = postgres(databaseUrl()!, { max: PER_POOL, onnotice: () => {} });
      clients.push(client);
      return drizzle(client, { schema });
    });
    // each pool opens its connections first, so the submissions really overlap
    await Promise.all(pools.flatMap((db) => Array.from({ length: PER_POOL }, () => db.execute(sql`select 1`))));
    const results = await Promise.all(
      Array.from({ length: SUBMISSIONS }, (_, i) =>
        pools[i % POOLS].transaction((tx) =>
          submitRun(tx, { projectId: tp.id, seriesId, model: modelName, submittedBy: tp.users.researcher.id, executor: KIND }),
        ),
      ),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.run.id)).size).toBe(1);
    const rows = await getDb()
      .select()
      .from(runs)
      .where(and(eq(runs.projectId, tp.id), eq(runs.runKey, results[0].run.runKey)));
    expect(rows).toHaveLength(1);
    expect(rows[0].status).toBe('queued');
    expect(await getDb().$count(runs, eq(runs.projectId, tp.id))).toBe(1);
  });
});
