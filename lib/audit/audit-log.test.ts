import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployShadowAction } from '@/app/(app)/models/actions';
import * as auditRoute from '@/app/api/projects/[project]/audit/route';
import * as exportRoute from '@/app/api/projects/[project]/audit/export/route';
import { auditEvents, modelGrants, models, modelVersions, runs } from '@/db/schema';
import { runWithRequestHeaders } from '@/lib/auth/request-context';
import { getDb } from '@/lib/db';
import { setSlotVersion } from '@/lib/models/set-slot-version';
import { newRun } from '@/test/endpoint-matrix';
import { routeRequest, type RouteTable } from '@/test/route-server';
import { createTestProject, type TestProject } from '@/test/test-project';
import { appendAuditEvent } from './append-audit-event';
import { chainPendingAuditEvents } from './chain-pending-audit-events';

/**
 * The audit log as people use it, through the real routes: filters (actor, action, target, outcome,
 * date), keyset pages that neither repeat nor skip, JSONL and CSV exports equal to the list, and
 * events about a platform-wide model written into the log of each project that ran it.
 */
const routes: RouteTable = [
  ['GET', /^\/api\/projects\/([^/]+)\/audit$/, ['project'], auditRoute.GET],
  ['GET', /^\/api\/projects\/([^/]+)\/audit\/export$/, ['project'], exportRoute.GET],
];
const get = (token: string, path: string) => routeRequest(routes, new Request(`http://segflow.test${path}`, { headers: { authorization: `Bearer ${token}` } }));

interface Ev {
  seq: number;
  at: string;
  action: string;
  actorLabel: string;
  outcome: string;
  targetType: string | null;
  targetId: string | null;
  projectId: string | null;
}
let a: TestProject;
let b: TestProject;

beforeAll(async () => {
  const db = getDb();
  [a, b] = [await createTestProject(db), await createTestProject(db)];
  // 25 events in a (and one in b), in a fixed pattern
  for (let i = 0; i < 25; i++) {
    await db.transaction((tx) =>
      appendAuditEvent(tx, {
        actorId: i % 2 ? a.users.operator.id : a.users.researcher.id,
        actorLabel: i % 2 ? a.users.operator.email : a.users.researcher.email,
        action: i % 3 ? 'run.cancel' : 'run.retry',
        targetType: 'run',
        targetId: `r${i % 5}`,
        outcome: i % 4 ? 'success' : 'denied',
        requestId: `req-${i}`,
        projectId: a.id,
        details: { i, note: i === 7 ? 'comma, "quote"\nand =SUM(A1)' : 'plain' },
      }),
    );
  }
  await db.transaction((tx) => appendAuditEvent(tx, { actorLabel: 'x', action: 'run.cancel', outcome: 'success', requestId: 'b', projectId: b.id }));
});

async function page(q: string, token = a.users.admin.token): Promise<{ events: Ev[]; nextCursor: string | null }> {
  const res = await get(token, `/api/projects/${a.slug}/audit?${q}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as { events: Ev[]; nextCursor: string | null };
}
const mine = (events: Ev[]) => events.filter((e) => e.action.startsWith('run.'));

describe('audit log list', () => {
  it('pages newest first by keyset without repeating or skipping', async () => {
    const seen: number[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const p = await page(`action=run.&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...p.events.map((e) => e.seq));
      cursor = p.nextCursor;
      pages++;
    }
    expect(pages).toBe(4);
    expect(seen).toHaveLength(25);
    expect([...seen].sort((x, y) => y - x)).toEqual(seen);
    expect(new Set(seen).size).toBe(25);
  });

  it('filters by actor (e-mail or id), action (exact or prefix), target, outcome and date; counts equal what exists', async () => {
    const all = mine((await page('limit=500')).events);
    expect(all).toHaveLength(25);
    const count = async (q: string) => (await page(`${q}&limit=500`)).events.length;
    expect(await count(`actor=${encodeURIComponent(a.users.operator.email)}`)).toBe(12);
    expect(await count(`actor=${a.users.researcher.id}`)).toBe(13);
    expect(await count('action=run.retry')).toBe(9);
    expect(await count('action=run.*')).toBe(25);
    expect(await count('target=run:r0')).toBe(5);
    expect(await count('target=run')).toBe(25);
    expect(await count('outcome=denied')).toBe(7);
    expect(await count(`outcome=denied&action=run.retry&actor=${encodeURIComponent(a.users.researcher.email)}`)).toBe(3);
    const middle = all[12].at;
    expect(await count(`action=run.&from=${encodeURIComponent(middle)}`)).toBe(all.filter((e) => e.at >= middle).length);
    expect(await count(`action=run.&to=${encodeURIComponent(middle)}`)).toBe(all.filter((e) => e.at < middle).length);
    expect(await count('action=run.&to=2000-01-01')).toBe(0);
    // one day as both From and To is that whole day (as on Runs and Studies)
    const day = String(middle).slice(0, 10);
    expect(await count(`action=run.&from=${day}&to=${day}`)).toBe(all.filter((e) => String(e.at).slice(0, 10) === day).length);
    expect(await count(`action=run.&from=${day}&to=${day}`)).toBeGreaterThan(0);
    const backwards = await get(a.users.admin.token, `/api/projects/${a.slug}/audit?from=2026-12-05&to=2026-12-01`);
    expect(backwards.status).toBe(400);
    expect(((await backwards.json()) as { error: { message: string } }).error.message).toBe('to: must be later than from');
    // a blank limit (a form's empty field) is the default page, as in every list
    expect((await get(a.users.admin.token, `/api/projects/${a.slug}/audit?limit=`)).status).toBe(200);
    // another project's event never shows; bad input is named
    expect(all.every((e) => e.projectId === a.id)).toBe(true);
    const bad = await get(a.users.admin.token, `/api/projects/${a.slug}/audit?from=yesterday`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/^from: expected a date/);
    expect((await get(a.users.operator.token, `/api/projects/${a.slug}/audit`)).status).toBe(403);
    expect((await get(b.users.admin.token, `/api/projects/${a.slug}/audit`)).status).toBe(404);
  });
});

describe('audit log export', () => {
  it('JSON Lines and CSV hold exactly the filtered events, every field, quoted and formula-safe', async () => {
    const listed = (await page('action=run.cancel&limit=500')).events;
    const jsonl = await get(a.users.admin.token, `/api/projects/${a.slug}/audit/export?format=jsonl&action=run.cancel`);
    expect(jsonl.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(jsonl.headers.get('content-disposition')).toBe(`attachment; filename="audit-${a.slug}.jsonl"`);
    const lines = (await jsonl.text())
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Ev & { hash: string; details: { i: number } });
    expect(lines.map((l) => l.seq)).toEqual(listed.map((e) => e.seq));
    expect(lines.every((l) => l.action === 'run.cancel' && /^[0-9a-f]{64}$/.test(l.hash))).toBe(true);

    const csv = await (await get(a.users.admin.token, `/api/projects/${a.slug}/audit/export?format=csv&action=run.cancel`)).text();
    const rows = csv.split('\r\n');
    expect(rows[0]).toBe('seq,at,actorId,actorLabel,action,targetType,targetId,projectId,outcome,requestId,details,prevHash,hash');
    // one row per event plus the header and the final empty string; the note with a line break is inside quotes
    const seven = lines.find((l) => l.details.i === 7)!;
    expect(csv).toContain(`"{""i"":7,""note"":""comma, \\""quote\\""\\nand =SUM(A1)""}"`);
    expect(rows.filter((r) => /^\d+,/.test(r))).toHaveLength(listed.length);
    expect(seven).toBeDefined();
    // exports are reads: recorded pending, chained by the checkpointer (chain them now)
    await chainPendingAuditEvents(getDb());
    const exported = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.projectId, a.id), eq(auditEvents.action, 'audit.export')));
    expect(exported.map((e) => e.details.format)).toEqual(['jsonl', 'csv']);
  });
});

describe('events about a model', () => {
  it("are written into the owning project's log and each granted project's, and not into others'", async () => {
    const db = getDb();
    const name = `audit-model-${randomBytes(3).toString('hex')}`;
    const [model] = await db.insert(models).values({ name, ownerProjectId: a.id }).returning();
    const granted = await createTestProject(db);
    await db.insert(modelGrants).values({ modelId: model.id, projectId: granted.id });
    const [live, next] = await db
      .insert(modelVersions)
      .values(
        ['1.0.0', '1.1.0'].map((v) => ({
          modelId: model.id,
          version: v,
          sha256: randomBytes(32).toString('hex'),
          artifactKey: `models/${name}/${v}/model.onnx`,
          spec: { labels: [{ value: 1, name: 'White Matter' }] },
          status: 'validated' as const,
        })),
      )
      .returning();
    await setSlotVersion(db, { modelId: model.id, versionId: live.id, stage: 'live', reason: 'test' });
    const run = await newRun(db, a, { status: 'succeeded' });
    await db.update(runs).set({ modelVersionId: live.id }).where(eq(runs.id, run.id));

    const headers = new Headers({ authorization: `Bearer ${a.users.operator.token}` });
    const res = await runWithRequestHeaders(headers, () => deployShadowAction({ model: model.id, version: next.id, reason: 'try the new one' }));
    expect(res.ok, JSON.stringify(res)).toBe(true);
    const events = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'model.shadow.deploy'), eq(auditEvents.targetId, next.id)));
    expect(events.map((e) => e.projectId).sort()).toEqual([a.id, granted.id].sort());
    const inA = (await page(`action=model.shadow.deploy`)).events;
    expect(inA.map((e) => e.targetId)).toContain(next.id);
  });
});
