/**
 * Each dashboard aggregate on runs seeded at known times against the real database: the numbers the
 * charts get are the ones worked out by hand here (percentile_cont interpolates: p95 of 10, 20, 30 is 29).
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { GET } from '@/app/api/projects/[project]/dashboard/route';
import { comparisons, models, modelVersions, runs, runSteps, type Run } from '@/db/schema';
import { getDb } from '@/lib/db';
import { newUpload } from '@/test/endpoint-matrix';
import { fakeRunParams } from '@/test/run-params';
import { createTestProject, type TestProject } from '@/test/test-project';
import { getDashboard, type DashboardDto } from './get-dashboard';

const NOW = new Date('2026-11-15T12:00:00Z');
const at = (s: string) => new Date(`2026-11-${s}Z`);
let tp: TestProject;
let other: TestProject;
let modelName: string;
let d: DashboardDto;

async function seedRun(project: TestProject, study: string, live: string, r: { status: Run['status']; created: string; started?: string; finished?: string }) {
  const [run] = await getDb()
    .insert(runs)
    .values({
      projectId: project.id,
      studyId: study,
      runKey: randomBytes(32).toString('hex'),
      status: r.status,
      pipelineVersion: 'segflow-pipeline/1',
      modelVersionId: live,
      servedBy: 'live',
      params: fakeRunParams({ model: modelName, versionId: live, version: '1.0.0' }),
      createdAt: at(r.created),
      startedAt: r.started ? at(r.started) : null,
      finishedAt: r.finished ? at(r.finished) : null,
    })
    .returning();
  return run;
}

beforeAll(async () => {
  const db = getDb();
  tp = await createTestProject(db);
  other = await createTestProject(db);
  const study = (await newUpload(db, tp)).studyId;
  const otherStudy = (await newUpload(db, other)).studyId;
  modelName = `dash-${randomBytes(3).toString('hex')}`;
  const [m] = await db.insert(models).values({ name: modelName }).returning();
  const v = (version: string) => ({
    modelId: m.id,
    version,
    sha256: randomBytes(32).toString('hex'),
    artifactKey: `models/${modelName}/${version}/model.onnx`,
    spec: {},
  });
  const [live, shadow] = await db
    .insert(modelVersions)
    .values([v('1.0.0'), v('1.1.0')])
    .returning();

  // three runs running across the 11-14 12:00 sample, each with a successful serving inference of 10, 20, 30 s
  const dice = [
    [0.9, 0.8],
    [0.95, 0.85],
    [0.99, 0.9],
  ];
  for (const [i, secs] of [10, 20, 30].entries()) {
    const run = await seedRun(tp, study, live.id, { status: 'succeeded', created: '14T11:00:00', started: '14T11:30:00', finished: '14T12:30:00' });
    await db.insert(runSteps).values([
      { runId: run.id, name: 'ingest', status: 'succeeded', attempts: 1, startedAt: at('14T11:30:00'), finishedAt: at('14T11:30:02') },
      {
        runId: run.id,
        name: 'infer-serving',
        status: 'succeeded',
        attempts: 1,
        startedAt: at('14T11:40:00'),
        finishedAt: new Date(at('14T11:40:00').getTime() + secs * 1000),
      },
    ]);
    await db.insert(comparisons).values({
      projectId: tp.id,
      runId: run.id,
      liveVersionId: live.id,
      shadowVersionId: shadow.id,
      metrics: [
        { value: 1, name: 'White Matter', dice: dice[i][0] },
        { value: 2, name: 'Grey Matter', dice: dice[i][1] },
      ],
      createdAt: at('14T12:40:00'),
    });
  }
  // failed: queued across the 11-14 06:00 sample; two of one error class (numbers differ), one of another
  const f1 = await seedRun(tp, study, live.id, { status: 'failed', created: '14T05:00:00', started: '14T07:00:00', finished: '14T07:10:00' });
  const f2 = await seedRun(tp, study, live.id, { status: 'failed', created: '13T09:00:00', started: '13T09:00:01', finished: '13T09:01:00' });
  const f3 = await seedRun(tp, study, live.id, { status: 'failed', created: '13T10:00:00', started: '13T10:00:01', finished: '13T10:01:00' });
  await db.insert(runSteps).values([
    {
      runId: f1.id,
      name: 'infer-serving',
      status: 'failed',
      attempts: 3,
      startedAt: at('14T07:00:00'),
      finishedAt: at('14T07:10:00'),
      error: 'exit code 137 after 12.5 s\nkilled',
    },
    {
      runId: f2.id,
      name: 'infer-serving',
      status: 'failed',
      attempts: 3,
      startedAt: at('13T09:00:01'),
      finishedAt: at('13T09:01:00'),
      error: 'exit code 139 after 3 s',
    },
    {
      runId: f3.id,
      name: 'deidentify',
      status: 'failed',
      attempts: 1,
      startedAt: at('13T10:00:01'),
      finishedAt: at('13T10:01:00'),
      error: 'tag (0010,0010) not allowed',
    },
  ]);
  await seedRun(tp, study, live.id, { status: 'cancelled', created: '10T08:00:00', finished: '10T08:05:00' });
  // still queued now
  await seedRun(tp, study, live.id, { status: 'queued', created: '15T06:30:00' });
  // before the range: counted nowhere
  await seedRun(tp, study, live.id, { status: 'succeeded', created: '05T08:00:00', started: '05T08:00:01', finished: '05T08:02:00' });
  // another project's run in the range: never shown
  await seedRun(other, otherStudy, live.id, { status: 'failed', created: '14T11:00:00' });

  d = await getDashboard(db, { projectId: tp.id, slug: tp.slug, range: '7d', now: NOW });
});

describe('dashboard aggregates', () => {
  it('counts runs per day by status, every day of the range present', () => {
    expect(d.runsByStatus.map((p) => p.at)).toEqual(['08', '09', '10', '11', '12', '13', '14', '15'].map((day) => `2026-11-${day}T00:00Z`));
    const nonZero = d.runsByStatus.map(({ at, ...counts }) => [at.slice(8, 10), Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0))]);
    expect(nonZero).toEqual([
      ['08', {}],
      ['09', {}],
      ['10', { cancelled: 1 }],
      ['11', {}],
      ['12', {}],
      ['13', { failed: 2 }],
      ['14', { succeeded: 3, failed: 1 }],
      ['15', { queued: 1 }],
    ]);
  });

  it('gives p50 and p95 of each successful step per day', () => {
    expect(d.stepDurations).toEqual([
      { at: '2026-11-14T00:00Z', step: 'infer-serving', p50S: 20, p95S: 29, count: 3 },
      { at: '2026-11-14T00:00Z', step: 'ingest', p50S: 2, p95S: 2, count: 3 },
    ]);
  });

  it('groups failures by step and error class, most frequent first, each shown by its most recent real message', () => {
    expect(d.failureReasons.map((f) => [f.step, f.errorClass, f.groupKey, f.count, f.lastAt])).toEqual([
      // exit code 137 (14th, 07:10) is the later of the two; 139 was on the 13th
      ['infer-serving', 'exit code 137 after 12.5 s', 'exit code # after # s', 2, '2026-11-14T07:10:00Z'],
      ['deidentify', 'tag (0010,0010) not allowed', 'tag (#,#) not allowed', 1, '2026-11-13T10:01:00Z'],
    ]);
  });

  it('counts the runs waiting and running during each interval, from the run timestamps', () => {
    const byAt = Object.fromEntries(d.queueDepth.map((p) => [p.at, [p.queued, p.running]]));
    expect(d.queueDepth).toHaveLength(29); // every 6 h over 7 days, both ends
    expect(byAt['2026-11-14T00:00Z']).toEqual([1, 0]); // the failed run waits from 05:00
    expect(byAt['2026-11-14T06:00Z']).toEqual([4, 4]); // it runs 07:00–07:10; the three others wait 11:00–11:30, then run
    expect(byAt['2026-11-14T12:00Z']).toEqual([0, 3]);
    expect(byAt['2026-11-15T12:00Z']).toEqual([1, 0]);
    expect(byAt['2026-11-13T12:00Z']).toEqual([0, 0]);
  });

  it('gives the serving inference latency per model version', () => {
    expect(d.servingLatency).toEqual([{ version: `${modelName}@1.0.0`, servedBy: 'live', p50Ms: 20_000, p95Ms: 29_000, count: 3 }]);
  });

  it('gives live-vs-shadow Dice median and p10 per label per day', () => {
    const got = d.shadowAgreement.map((p) => [p.at, p.shadow, p.label, Number(p.medianDice.toFixed(4)), Number(p.p10Dice.toFixed(4)), p.cases]);
    expect(got).toEqual([
      ['2026-11-14T00:00Z', `${modelName}@1.1.0`, 'Grey Matter', 0.85, 0.81, 3],
      ['2026-11-14T00:00Z', `${modelName}@1.1.0`, 'White Matter', 0.95, 0.91, 3],
    ]);
  });

  it('takes a custom range of whole UTC days: the runs created in it, a bucket per day, a custom range of one day by the hour', async () => {
    const c = await getDashboard(getDb(), { projectId: tp.id, slug: tp.slug, range: { key: 'custom', from: '2026-11-05', to: '2026-11-10' }, now: NOW });
    expect([c.range, c.from, c.to, c.bucket]).toEqual(['custom', '2026-11-05T00:00:00.000Z', '2026-11-11T00:00:00.000Z', 'day']);
    expect(c.runsByStatus.map((p) => p.at.slice(8, 10))).toEqual(['05', '06', '07', '08', '09', '10']);
    const nonZero = c.runsByStatus.filter(({ at, ...n }) => Object.values(n).some((v) => v > 0));
    expect(nonZero.map((p) => [p.at.slice(8, 10), p.succeeded, p.cancelled])).toEqual([
      ['05', 1, 0], // before the 7-day range, inside this one
      ['10', 0, 1],
    ]);
    expect(c.stepDurations).toEqual([]); // the 14th's steps are outside it
    const day = await getDashboard(getDb(), { projectId: tp.id, slug: tp.slug, range: { key: 'custom', from: '2026-11-14', to: '2026-11-14' }, now: NOW });
    expect(day.bucket).toBe('hour');
    expect(day.runsByStatus).toHaveLength(24);
    expect(day.runsByStatus.reduce((n, p) => n + p.succeeded + p.failed, 0)).toBe(4);
  });

  it('shows another project none of this project’s data', async () => {
    const o = await getDashboard(getDb(), { projectId: other.id, slug: other.slug, range: '7d', now: NOW });
    expect(o.runsByStatus.reduce((n, p) => n + p.failed + p.succeeded + p.queued, 0)).toBe(1);
    expect(o.stepDurations).toEqual([]);
    expect(o.shadowAgreement).toEqual([]);
    expect(o.servingLatency).toEqual([]);
  });
});

describe('GET /api/projects/:project/dashboard', () => {
  const get = (query: string, token: string) =>
    GET(new Request(`http://segflow.test/api/projects/${tp.slug}/dashboard?${query}`, { headers: { authorization: `Bearer ${token}` } }), {
      params: Promise.resolve({ project: tp.slug }),
    });

  it('answers an operator with every chart, and 400 naming the range for an unknown one', async () => {
    const ok = await get('range=30d', tp.users.operator.token);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as DashboardDto;
    expect(body.range).toBe('30d');
    expect(Object.keys(body)).toEqual(
      expect.arrayContaining(['runsByStatus', 'stepDurations', 'failureReasons', 'queueDepth', 'servingLatency', 'shadowAgreement']),
    );
    const bad = await get('range=1y', tp.users.operator.token);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/^range: expected one of 24h, 7d, 30d/);
  });

  it('takes a custom range in the query, and answers 400 naming the field for a bad one', async () => {
    const ok = await get('range=custom&from=2026-11-13&to=2026-11-14', tp.users.operator.token);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as DashboardDto;
    expect([body.range, body.from, body.to]).toEqual(['custom', '2026-11-13T00:00:00.000Z', '2026-11-15T00:00:00.000Z']);
    expect(body.runsByStatus.reduce((n, p) => n + p.failed + p.succeeded, 0)).toBe(6);
    const message = async (q: string) => {
      const res = await get(q, tp.users.operator.token);
      expect(res.status, q).toBe(400);
      return ((await res.json()) as { error: { message: string } }).error.message;
    };
    expect(await message('from=2026-11-14&to=2026-11-13')).toBe('to: must be on or after from (2026-11-14)');
    expect(await message('range=custom&from=2026-11-14')).toBe('to: a custom range needs its last day (YYYY-MM-DD)');
    expect(await message('range=custom&from=2026-02-30&to=2026-03-01')).toBe('from: not a calendar date');
    expect(await message('from=14.11.2026&to=2026-11-15')).toBe('from: expected a date as YYYY-MM-DD');
    expect(await message('from=2025-01-01&to=2026-11-15')).toMatch(/^to: a custom range spans at most 366 days \(this one 684\)$/);
    expect(await message('range=24h&from=2026-11-01&to=2026-11-02')).toBe('range: 24h takes no from/to; use range=custom');
  });

  it('refuses a researcher', async () => {
    expect((await get('', tp.users.researcher.token)).status).toBe(403);
  });
});
