/**
 * The runs list against the real database: every filter, keyset pagination that walks every row
 * exactly once even when many runs share one created_at, the API's 400s naming the parameter, and
 * that another project's runs never show.
 */
import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { GET } from '@/app/api/projects/[project]/runs/route';
import { models, modelVersions, runs, studies, type Run } from '@/db/schema';
import { getDb } from '@/lib/db';
import { newUpload } from '@/test/endpoint-matrix';
import { fakeRunParams } from '@/test/run-params';
import { createTestProject, type TestProject } from '@/test/test-project';
import { listRuns } from './list-runs';
import { ZRunsFilter, type TRunsFilter } from './list-runs-query';

let a: TestProject;
let b: TestProject;
let studyA1: string;
let studyA2: string;
let labelA2: string;
const modelName = `list-${randomBytes(3).toString('hex')}`;
const otherModel = `${modelName}-other`;
let v1: string;
let v2: string;
const created: Run[] = [];
// 3 runs share each of these instants (microsecond precision, as PostgreSQL keeps it)
const TIES = ['2026-11-20T10:00:00.000001Z', '2026-11-21T10:00:00.123456Z', '2026-11-22T09:30:00.5Z'];
const SPREAD = ['2026-11-01T00:00:00Z', '2026-11-10T12:00:00Z', '2026-11-25T23:59:59.999999Z', '2026-11-30T08:00:00Z'];

async function insertRun(p: {
  project: TestProject;
  study: string;
  at: string;
  status: Run['status'];
  model: string;
  versionId: string;
  version: string;
  submitter: 'researcher' | 'admin';
  warnings?: string[];
}) {
  const [run] = await getDb()
    .insert(runs)
    .values({
      projectId: p.project.id,
      studyId: p.study,
      runKey: randomBytes(32).toString('hex'),
      status: p.status,
      pipelineVersion: 'segflow-pipeline/1',
      modelVersionId: p.versionId,
      params: fakeRunParams({ model: p.model, versionId: p.versionId, version: p.version }),
      submittedBy: p.project.users[p.submitter].id,
      warnings: p.warnings ?? [],
      createdAt: new Date(p.at),
    })
    .returning();
  // drizzle rounds the Date to ms; set the exact instant in SQL
  await getDb().execute(sql`update runs set created_at = ${p.at}::timestamptz where id = ${run.id}`);
  return run;
}

beforeAll(async () => {
  const db = getDb();
  a = await createTestProject(db);
  b = await createTestProject(db);
  studyA1 = (await newUpload(db, a)).studyId;
  studyA2 = (await newUpload(db, a)).studyId;
  [{ label: labelA2 }] = await db.select({ label: studies.label }).from(studies).where(eq(studies.id, studyA2));
  const studyB = (await newUpload(db, b)).studyId;
  const [m] = await db.insert(models).values({ name: modelName }).returning();
  const [m2] = await db.insert(models).values({ name: otherModel }).returning();
  const version = (modelId: string, v: string) => ({
    modelId,
    version: v,
    sha256: randomBytes(32).toString('hex'),
    artifactKey: `models/x/${v}/model.onnx`,
    spec: {},
  });
  [{ id: v1 }, { id: v2 }] = await db
    .insert(modelVersions)
    .values([version(m.id, '1.0.0'), version(m.id, '2.0.0')])
    .returning();
  const [{ id: o1 }] = await db.insert(modelVersions).values(version(m2.id, '1.0.0')).returning();
  const statuses: Run['status'][] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];
  let i = 0;
  for (const at of [...TIES.flatMap((t) => [t, t, t]), ...SPREAD]) {
    const n = i++;
    const which = n % 3;
    created.push(
      await insertRun({
        project: a,
        study: n % 2 ? studyA2 : studyA1,
        at,
        status: statuses[n % statuses.length],
        model: which === 2 ? otherModel : modelName,
        versionId: which === 0 ? v1 : which === 1 ? v2 : o1,
        version: which === 0 ? '1.0.0' : which === 1 ? '2.0.0' : '1.0.0',
        submitter: n % 4 === 0 ? 'admin' : 'researcher',
        warnings: n % 5 === 1 ? ['Grey Matter is empty; brain-tissue expects 250 ml–1.2 l, not empty'] : [],
      }),
    );
  }
  // project B: same model, same instants: must never appear in A's list
  for (const at of TIES)
    await insertRun({ project: b, study: studyB, at, status: 'succeeded', model: modelName, versionId: v1, version: '1.0.0', submitter: 'researcher' });
});

/** created_at of each run of A to the microsecond (UTC, as text: sorts like the instant) */
const exactAt = new Map<string, string>();
function getExact(id: string): string {
  return exactAt.get(id)!;
}

/** project A's runs matching `pred`, newest first by (created_at, id): what every walk must return */
function expected(pred: (r: Run, n: number) => boolean = () => true): string[] {
  return created
    .filter((r, n) => pred(r, n))
    .sort((x, y) => (getExact(x.id) === getExact(y.id) ? (x.id < y.id ? 1 : -1) : getExact(x.id) < getExact(y.id) ? 1 : -1))
    .map((r) => r.id);
}

async function walk(filter: Partial<TRunsFilter>, limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: TRunsFilter['cursor'];
  let pages = 0;
  for (;;) {
    const page = await listRuns(getDb(), { projectId: a.id, seeShadow: true, filter: { ...filter, limit, cursor } });
    pages++;
    ids.push(...page.runs.map((r) => r.id));
    if (!page.nextCursor) break;
    cursor = ZRunsFilter.parse({ cursor: page.nextCursor }).cursor;
    if (pages > 100) throw new Error('cursor chain does not end');
  }
  return { ids, pages };
}

describe('listRuns', () => {
  beforeAll(async () => {
    const rows = await getDb().execute<{ id: string; at: string }>(
      sql`select id, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as at from runs where project_id = ${a.id}`,
    );
    for (const r of rows) exactAt.set(r.id, r.at);
    expect(new Set(rows.map((r) => r.at)).size).toBe(TIES.length + SPREAD.length);
  });

  it('walks every run of the project exactly once, newest first, across ties on created_at, for every page size', async () => {
    for (const limit of [1, 2, 3, 4, 5, 50]) {
      const { ids, pages } = await walk({}, limit);
      expect(ids).toEqual(expected());
      expect(new Set(ids).size).toBe(created.length);
      expect(pages).toBe(Math.max(1, Math.ceil(created.length / limit)));
    }
  });

  it('filters by status, model, model version, study, submitter and date range, each walked by cursor', async () => {
    const cases: [Partial<TRunsFilter>, (r: Run, n: number) => boolean][] = [
      [{ status: 'failed' }, (r) => r.status === 'failed'],
      [{ model: modelName }, (_r, n) => n % 3 !== 2],
      [{ model: modelName, version: '2.0.0' }, (r) => r.modelVersionId === v2],
      [{ model: otherModel, version: '2.0.0' }, () => false],
      [{ study: studyA2 }, (r) => r.studyId === studyA2],
      [{ study: labelA2 }, (r) => r.studyId === studyA2],
      [{ submitter: a.users.admin.email }, (r) => r.submittedBy === a.users.admin.id],
      [{ submitter: a.users.researcher.id }, (r) => r.submittedBy === a.users.researcher.id],
      [{ submitter: 'nobody@test.segflow' }, () => false],
      [ZRunsFilter.parse({ from: '2026-11-21', to: '2026-11-25' }), (r) => getExact(r.id) >= '2026-11-21' && getExact(r.id) < '2026-11-26'],
      [ZRunsFilter.parse({ from: '2026-11-21T10:00:00.123456Z' }), (r) => getExact(r.id) >= '2026-11-21T10:00:00.123456'],
      [{ status: 'queued', model: modelName }, (r, n) => r.status === 'queued' && n % 3 !== 2],
      [{ warnings: 'only' }, (r) => r.warnings.length > 0],
    ];
    for (const [filter, pred] of cases) {
      const want = expected(pred);
      const { ids } = await walk(filter, 2);
      expect(ids, JSON.stringify(filter)).toEqual(want);
    }
  });
});

describe('GET /api/projects/:project/runs', () => {
  async function get(project: TestProject, query: string, role: 'researcher' | 'operator' | 'reviewer' = 'operator') {
    const res = await GET(
      new Request(`http://segflow.test/api/projects/${project.slug}/runs?${query}`, { headers: { authorization: `Bearer ${project.users[role].token}` } }),
      {
        params: Promise.resolve({ project: project.slug }),
      },
    );
    return {
      status: res.status,
      body: (await res.json()) as {
        runs: { id: string }[];
        nextCursor: string | null;
        error?: { code: string; message: string; details?: { field?: string } };
      },
    };
  }

  it('returns { runs, nextCursor } and follows the cursor to the end', async () => {
    const first = await get(a, 'limit=4');
    expect(first.status).toBe(200);
    expect(first.body.runs.map((r) => r.id)).toEqual(expected().slice(0, 4));
    const second = await get(a, `limit=4&cursor=${first.body.nextCursor}`);
    expect(second.body.runs.map((r) => r.id)).toEqual(expected().slice(4, 8));
    const all = await get(a, 'limit=200');
    expect(all.body.runs.map((r) => r.id)).toEqual(expected());
    expect(all.body.nextCursor).toBeNull();
  });

  it('never shows another project’s runs, filters or not', async () => {
    const fromB = await get(b, 'limit=200');
    expect(fromB.body.runs).toHaveLength(TIES.length);
    const ids = new Set(created.map((r) => r.id));
    expect(fromB.body.runs.some((r) => ids.has(r.id))).toBe(false);
    const filtered = await get(b, `model=${modelName}&version=1.0.0&limit=200`);
    expect(filtered.body.runs.every((r) => !ids.has(r.id))).toBe(true);
    // A's cursor used on B's list still lists only B's runs
    const aPage = await get(a, 'limit=1');
    const crossed = await get(b, `cursor=${aPage.body.nextCursor}&limit=200`);
    expect(crossed.body.runs.every((r) => !ids.has(r.id))).toBe(true);
  });

  it('answers 400 naming the parameter for a bad cursor, status, limit, date, study or a version without its model', async () => {
    const bad: [string, string, RegExp][] = [
      ['cursor=not-a-cursor!', 'cursor', /cursor: not a cursor this list handed out/],
      [`cursor=${Buffer.from('{"at":"yesterday","id":"x"}').toString('base64url')}`, 'cursor', /cursor:/],
      ['status=exploded', 'status', /status: expected one of queued, running, succeeded, failed, cancelled/],
      ['limit=0', 'limit', /limit: must be a whole number from 1 to 200/],
      ['limit=abc', 'limit', /limit: must be a whole number from 1 to 200/],
      ['limit=1000', 'limit', /limit: must be a whole number from 1 to 200/],
      ['from=last-week', 'from', /from: expected a date/],
      ['from=2026-12-02&to=2026-12-01', 'to', /to: must be later than from/],
      ['study=123', 'study', /study: expected a study label such as S-0003, or a study id/],
      ['version=1.0.0', 'version', /version: a version needs its model/],
    ];
    for (const [query, field, message] of bad) {
      const { status, body } = await get(a, query);
      expect(status, query).toBe(400);
      expect(body.error?.code).toBe('invalid_input');
      expect(body.error?.details?.field, query).toBe(field);
      expect(body.error?.message, query).toMatch(message);
    }
  });

  it('refuses a reviewer, and answers a user of another project as if the project did not exist', async () => {
    expect((await get(a, '', 'reviewer')).status).toBe(403);
    const res = await GET(new Request(`http://segflow.test/api/projects/${a.slug}/runs`, { headers: { authorization: `Bearer ${b.users.operator.token}` } }), {
      params: Promise.resolve({ project: a.slug }),
    });
    expect(res.status).toBe(404);
  });
});
