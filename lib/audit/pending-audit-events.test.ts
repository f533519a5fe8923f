import { asc } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema';
import { createScratchDatabase } from '../../test/scratch-database';
import { AUDIT_CHAIN_LOCK, appendAuditEvent } from './append-audit-event';
import { appendPendingAuditEvent } from './append-pending-audit-event';
import { auditedRecently } from './audited-recently';
import { chainPendingAuditEvents } from './chain-pending-audit-events';
import { countPendingAuditEvents, listAuditEvents } from './list-audit-events';
import { verifyAuditChain } from './verify-audit-chain';

const read = (i: number, extra: Partial<Parameters<typeof appendPendingAuditEvent>[1]> = {}) => ({
  actorLabel: 'reader',
  action: 'test.read',
  outcome: 'success' as const,
  requestId: `read-${i}`,
  details: { i, nested: { b: 1, a: [1, 2] } },
  ...extra,
});

describe('pending audit events (reads off the chain lock)', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let sql: postgres.Sql;
  let db: ReturnType<typeof drizzle<typeof schema>>;

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    sql = postgres(scratch.url, { max: 8, onnotice: () => {} });
    db = drizzle(sql, { schema });
  });
  afterAll(async () => {
    await sql.end();
    await scratch.drop();
  });

  it('records a read while another transaction holds the chain lock, and the chainer links it in order', async () => {
    const holder = await sql.reserve();
    await holder`begin`;
    await holder`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`;
    // would wait for the holder (forever: it is released only below) if reads took the chain lock
    const { pendingId } = await db.transaction((tx) => appendPendingAuditEvent(tx, read(0)));
    await holder`rollback`;
    holder.release();

    await db.transaction((tx) => appendAuditEvent(tx, { actorLabel: 'writer', action: 'test.write', outcome: 'success', requestId: 'w0' }));
    await db.transaction((tx) => appendPendingAuditEvent(tx, read(1)));
    expect(await countPendingAuditEvents(db)).toBe(2);
    // not chained yet is not tampering: the chain holds what it holds
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, events: 1 });

    expect(await chainPendingAuditEvents(db)).toBe(2);
    expect(await countPendingAuditEvents(db)).toBe(0);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, events: 3 });
    const rows = await db.select().from(schema.auditEvents).orderBy(asc(schema.auditEvents.seq));
    expect(rows.map((r) => [r.action, r.requestId])).toEqual([
      ['test.write', 'w0'],
      ['test.read', 'read-0'],
      ['test.read', 'read-1'],
    ]);
    expect(rows[1]).toMatchObject({ pendingId, actorLabel: 'reader', outcome: 'success', details: { i: 0, nested: { a: [1, 2], b: 1 } } });
    expect(rows[0].pendingId).toBeNull();
    expect(await chainPendingAuditEvents(db)).toBe(0);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of a pending event: it leaves only into the chain', async () => {
    const { pendingId } = await db.transaction((tx) => appendPendingAuditEvent(tx, read(2)));
    await expect(sql`update audit_pending_events set action = 'x' where id = ${pendingId}`).rejects.toThrow(/UPDATE refused/);
    await expect(sql`delete from audit_pending_events where id = ${pendingId}`).rejects.toThrow(/DELETE refused/);
    await expect(sql`truncate audit_pending_events`).rejects.toThrow(/TRUNCATE refused/);
    expect(await countPendingAuditEvents(db)).toBe(1);
    expect(await chainPendingAuditEvents(db)).toBe(1);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, events: 4 });
  });

  it('a read rolled back with its transaction leaves no pending event', async () => {
    await expect(
      db.transaction(async (tx) => {
        await appendPendingAuditEvent(tx, read(3, { action: 'test.read.rolledback' }));
        throw new Error('read failed');
      }),
    ).rejects.toThrow('read failed');
    expect(await countPendingAuditEvents(db)).toBe(0);
  });

  it('keeps one linear chain with concurrent readers, writers and several chainers (small batches)', async () => {
    const before = (await verifyAuditChain(db)) as { events: number };
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++) work.push(db.transaction((tx) => appendPendingAuditEvent(tx, read(100 + i))));
    for (let i = 0; i < 6; i++)
      work.push(db.transaction((tx) => appendAuditEvent(tx, { actorLabel: 'w', action: 'test.write', outcome: 'success', requestId: `w${i}` })));
    for (let i = 0; i < 3; i++) work.push(chainPendingAuditEvents(db, { batch: 7 }));
    await Promise.all(work);
    await chainPendingAuditEvents(db, { batch: 7 });
    expect(await countPendingAuditEvents(db)).toBe(0);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, events: before.events + 46 });
    const [{ n }] = await sql<{ n: number }[]>`select count(distinct pending_id)::int as n from audit_events where request_id like 'read-1__'`;
    expect(n).toBe(40);
  });

  it('counts a pending success for audit-once reads, before and after it is chained', async () => {
    const [u] = await db.insert(schema.users).values({ email: 'once@test.segflow', name: 'once' }).returning();
    const probe = { actorId: u.id, action: 'test.once', targetType: 'project', targetId: 'p1', seconds: 600 };
    expect(await db.transaction((tx) => auditedRecently(tx, probe))).toBe(false);
    await db.transaction((tx) => appendPendingAuditEvent(tx, read(4, { actorId: u.id, action: 'test.once', targetType: 'project', targetId: 'p1' })));
    expect(await db.transaction((tx) => auditedRecently(tx, probe))).toBe(true);
    await chainPendingAuditEvents(db);
    expect(await db.transaction((tx) => auditedRecently(tx, probe))).toBe(true);
    expect(await db.transaction((tx) => auditedRecently(tx, { ...probe, targetId: 'p2' }))).toBe(false);
  });

  it('lists a project’s pending events first (no seq, no hash yet), then its chain', async () => {
    const [p] = await db
      .insert(schema.projects)
      .values({ slug: 'pending-list', name: 'Pending list', deidSecret: 'x'.repeat(64) })
      .returning();
    await db.transaction((tx) => appendAuditEvent(tx, { actorLabel: 'w', action: 'test.listed.write', outcome: 'success', requestId: 'lw', projectId: p.id }));
    await db.transaction((tx) => appendPendingAuditEvent(tx, read(5, { action: 'test.listed.read', projectId: p.id })));
    const { events: listed } = await listAuditEvents(db, { projectId: p.id });
    expect(listed.map((e) => [e.action, e.seq === null, e.hash === null])).toEqual([
      ['test.listed.read', true, true],
      ['test.listed.write', false, false],
    ]);
    await chainPendingAuditEvents(db);
    const { events: after } = await listAuditEvents(db, { projectId: p.id });
    expect(after.map((e) => [e.action, e.seq === null])).toEqual([
      ['test.listed.read', false],
      ['test.listed.write', false],
    ]);
  });
});
