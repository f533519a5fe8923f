import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema';
import { seedDemo } from '../platform/seed-demo';
import { createScratchDatabase } from '../../test/scratch-database';
import { getStorage } from '../storage/s3-client';
import { appendAuditEvent } from './append-audit-event';
import { appendPendingAuditEvent } from './append-pending-audit-event';
import { verifyAuditChain } from './verify-audit-chain';

const root = fileURLToPath(new URL('../../', import.meta.url));
/**
 * A bucket of this test's own: `audit verify` also checks the signed checkpoints under manifests/audit/,
 * and other tests' executors (each with its own database and key) write theirs into the shared bucket.
 */
const bucket = `audit-chain-${randomBytes(4).toString('hex')}`;

// Asynchronous on purpose: the embedded scratch database is served from this very process.
function cli(args: string[], databaseUrl: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/segflow.mjs', ...args], { cwd: root, env: { ...process.env, DATABASE_URL: databaseUrl, S3_BUCKET: bucket } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('audit log', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let sql: postgres.Sql;
  let db: ReturnType<typeof drizzle<typeof schema>>;

  beforeAll(async () => {
    await getStorage().client.send(new CreateBucketCommand({ Bucket: bucket }));
    scratch = await createScratchDatabase();
    sql = postgres(scratch.url, { max: 2, onnotice: () => {} });
    db = drizzle(sql, { schema });
    await seedDemo(db);
    for (let i = 0; i < 5; i++) {
      await db.transaction((tx) =>
        appendAuditEvent(tx, {
          actorLabel: 'test',
          action: `test.event${i}`,
          outcome: 'success',
          requestId: `r${i}`,
          details: { i, nested: { b: 1, a: [1, 2] } },
        }),
      );
    }
  });
  afterAll(async () => {
    await sql.end();
    await scratch.drop();
  });

  it('chains events and verifies the whole chain', async () => {
    const res = await verifyAuditChain(db);
    expect(res).toMatchObject({ ok: true, events: 5 });
    const rows = await db.select().from(schema.auditEvents).orderBy(schema.auditEvents.seq);
    for (let i = 1; i < rows.length; i++) expect(rows[i].prevHash).toBe(rows[i - 1].hash);
  });

  it('keeps the chain linear under concurrent appends', async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        db.transaction((tx) => appendAuditEvent(tx, { actorLabel: 'c', action: 'test.concurrent', outcome: 'success', requestId: `c${i}` })),
      ),
    );
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, events: 13 });
  });

  it('refuses UPDATE, DELETE and TRUNCATE for the app connection', async () => {
    await expect(sql`update audit_events set action = 'x' where seq = 1`).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_events where seq = 1`).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_events`).rejects.toThrow(/append-only/);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('an event rolled back with its action leaves no trace', async () => {
    await expect(
      db.transaction(async (tx) => {
        await appendAuditEvent(tx, { actorLabel: 'r', action: 'test.rolledback', outcome: 'success', requestId: 'rb' });
        throw new Error('action failed');
      }),
    ).rejects.toThrow('action failed');
    const rows = await sql`select count(*)::int as n from audit_events where action = 'test.rolledback'`;
    expect(rows[0].n).toBe(0);
  });

  it('`segflow audit verify` passes (a read not yet chained is pending, not tampering), then names the event whose payload was changed in SQL', async () => {
    await db.transaction((tx) => appendPendingAuditEvent(tx, { actorLabel: 'r', action: 'test.read', outcome: 'success', requestId: 'p1' }));
    const ok = await cli(['audit', 'verify'], scratch.url);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/audit chain intact: 13 events/);
    expect(ok.stdout).toMatch(/1 more events recorded and pending \(not yet linked into the chain/);

    // Tampering needs a superuser who switches triggers off: exactly what the app must never be.
    await sql.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`update audit_events set details = '{"i": 99}'::jsonb where seq = 3`;
    });
    const bad = await cli(['audit', 'verify'], scratch.url);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/broken at event 3: hash mismatch/);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, badSeq: 3 });
  });
});
