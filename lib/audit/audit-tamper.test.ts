/**
 * Tampering beyond a payload edit, as a superuser who switches the append-only triggers off: a
 * deleted event and two swapped events break the prev_hash links and are named; verify reads the
 * chain in pages and finds a break on any page, not only the first.
 */
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema';
import { createScratchDatabase } from '../../test/scratch-database';
import { appendAuditEvent } from './append-audit-event';
import { verifyAuditChain } from './verify-audit-chain';

const EVENTS = 9;

describe('audit chain tampering', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let sql: postgres.Sql;
  let db: ReturnType<typeof drizzle<typeof schema>>;
  /** what only a superuser can do: the triggers that keep audit_events append-only are off in this transaction */
  const asSuperuser = (fn: (tx: postgres.TransactionSql) => Promise<unknown>) =>
    sql.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await fn(tx);
    });

  beforeEach(async () => {
    scratch = await createScratchDatabase();
    sql = postgres(scratch.url, { max: 2, onnotice: () => {} });
    db = drizzle(sql, { schema });
    for (let i = 1; i <= EVENTS; i++) {
      await db.transaction((tx) => appendAuditEvent(tx, { actorLabel: 'test', action: `test.event${i}`, outcome: 'success', requestId: `t${i}` }));
    }
  });
  afterEach(async () => {
    await sql.end();
    await scratch.drop();
  });

  it('reads the whole chain in pages of any size', async () => {
    const whole = await verifyAuditChain(db);
    expect(whole).toMatchObject({ ok: true, events: EVENTS });
    for (const pageSize of [1, 2, 4, EVENTS, EVENTS + 1]) expect(await verifyAuditChain(db, { pageSize })).toEqual(whole);
  });

  it('a deleted event is named by the event after it', async () => {
    await asSuperuser((tx) => tx`delete from audit_events where seq = 5`);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, badSeq: 6, events: 4, problem: expect.stringMatching(/removed or reordered/) });
  });

  it('two swapped events are found', async () => {
    await asSuperuser(async (tx) => {
      await tx`update audit_events set seq = -1 where seq = 3`;
      await tx`update audit_events set seq = 3 where seq = 4`;
      await tx`update audit_events set seq = 4 where seq = -1`;
    });
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, badSeq: 3, problem: expect.stringMatching(/removed or reordered/) });
  });

  it('a change on a later page is found with small pages', async () => {
    await asSuperuser((tx) => tx`update audit_events set action = 'test.rewritten' where seq = ${EVENTS - 1}`);
    for (const pageSize of [2, 3]) {
      expect(await verifyAuditChain(db, { pageSize })).toMatchObject({
        ok: false,
        badSeq: EVENTS - 1,
        events: EVENTS - 2,
        problem: expect.stringMatching(/hash mismatch/),
      });
    }
  });
});
