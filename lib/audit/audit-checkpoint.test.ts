import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { asc } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema';
import { createScratchDatabase } from '../../test/scratch-database';
import { auditCheckpointKey } from '../storage/keys';
import { putObjectOnce, type BucketRef } from '../storage/put-object-once';
import { getStorage } from '../storage/s3-client';
import { appendAuditEvent } from './append-audit-event';
import { appendPendingAuditEvent } from './append-pending-audit-event';
import { signAuditCheckpoint } from './audit-checkpoint';
import { checkAuditCheckpoints } from './check-audit-checkpoints';
import { checkpointDue, startAuditCheckpointer } from './audit-checkpointer';
import { hashAuditEvent, GENESIS_HASH } from './event-hash';
import { countPendingAuditEvents } from './list-audit-events';
import { verifyAuditChain } from './verify-audit-chain';
import { writeAuditCheckpoint } from './write-audit-checkpoint';

const root = fileURLToPath(new URL('../../', import.meta.url));
const platform = generateKeyPairSync('ed25519').privateKey;
const platformPem = platform.export({ format: 'pem', type: 'pkcs8' }).toString();

// Asynchronous on purpose: the embedded scratch database may be served from this very process.
function cli(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/segflow.mjs', ...args], {
      cwd: root,
      env: { ...process.env, SEGFLOW_MANIFEST_SIGNING_KEY: platformPem, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A scratch database and a bucket of its own, so checkpoints of one test never meet another's. */
async function setup() {
  const scratch = await createScratchDatabase();
  const sql = postgres(scratch.url, { max: 2, onnotice: () => {} });
  const db = drizzle(sql, { schema });
  const bucket: BucketRef = { client: getStorage().client, bucket: `audit-${randomBytes(4).toString('hex')}` };
  await bucket.client.send(new CreateBucketCommand({ Bucket: bucket.bucket }));
  const append = async (n: number) => {
    for (let i = 0; i < n; i++)
      await db.transaction((tx) => appendAuditEvent(tx, { actorLabel: 'test', action: 'test.event', outcome: 'success', requestId: `r${i}`, details: { i } }));
  };
  const env = { DATABASE_URL: scratch.url, S3_BUCKET: bucket.bucket };
  const opts = { signingKey: platform, platformKey: platform, bucket };
  return { scratch, sql, db, bucket, append, env, opts };
}

/** What an attacker with superuser access does: delete events and recompute every later hash. */
async function deleteAndRehash(sql: postgres.Sql, db: ReturnType<typeof drizzle<typeof schema>>, seqs: number[]) {
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await tx`delete from audit_events where seq in ${tx(seqs)}`;
  });
  const rows = await db.select().from(schema.auditEvents).orderBy(asc(schema.auditEvents.seq));
  let prev = GENESIS_HASH;
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    for (const r of rows) {
      const hash = hashAuditEvent(prev, { ...r, at: new Date(r.at) });
      await tx`update audit_events set prev_hash = ${prev}, hash = ${hash} where seq = ${r.seq}`;
      prev = hash;
    }
  });
}

// The CLI cases start `segflow` (seconds apiece on a shared 2-core machine).
describe('audit checkpoints in the bucket', { timeout: 180_000 }, () => {
  let t: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    t = await setup();
  });
  afterAll(async () => {
    await t.sql.end();
    await t.scratch.drop();
  });

  it('are written signed, write-once, each naming the one before; verify passes', async () => {
    await t.append(5);
    const first = await writeAuditCheckpoint(t.db, t.opts);
    expect(first).toMatchObject({ written: true, key: auditCheckpointKey({ seq: 5 }) });
    expect(await writeAuditCheckpoint(t.db, t.opts)).toMatchObject({ written: false, reason: expect.stringMatching(/current/) });
    await t.append(3);
    const second = await writeAuditCheckpoint(t.db, t.opts);
    if (!second.written || !first.written) throw new Error('not written');
    expect(second.checkpoint.checkpoint).toMatchObject({ seq: 8, prev: { seq: 5, sha256: first.checkpoint.sha256 } });

    // write-once: a second object under an existing key is refused and the first is untouched
    const again = await putObjectOnce({ key: first.key, body: Buffer.from('{}'), bucket: t.bucket });
    expect(again.written).toBe(false);
    const stored = await t.bucket.client.send(new GetObjectCommand({ Bucket: t.bucket.bucket, Key: first.key }));
    expect(JSON.parse(await stored.Body!.transformToString())).toEqual(first.checkpoint);

    expect(await checkAuditCheckpoints(t.db, t.opts)).toMatchObject({ ok: true, checkpoints: 2, newest: { seq: 8 } });
    const ok = await cli(['audit', 'verify'], t.env);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/audit chain intact: 8 events/);
    expect(ok.stdout).toMatch(/matches 2 signed checkpoints \(newest: event 8/);
  });

  it('a deleted event with every later hash recomputed: the chain is consistent, the checkpoints catch it', async () => {
    await deleteAndRehash(t.sql, t.db, [3]);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, events: 7 });

    const res = await checkAuditCheckpoints(t.db, t.opts);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.problems.map((p) => [p.kind, p.key])).toEqual([
      ['rewrite', auditCheckpointKey({ seq: 5 })],
      ['rewrite', auditCheckpointKey({ seq: 8 })],
    ]);
    const bad = await cli(['audit', 'verify'], t.env);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`audit checkpoint rewrite: checkpoint ${auditCheckpointKey({ seq: 5 })}`);
    expect(bad.stderr).toMatch(/recorded event 5 with hash [0-9a-f]{64}; the chain has [0-9a-f]{64}: history before it was rewritten/);

    // and the platform refuses to sign the rewritten history as a new checkpoint
    await t.append(1);
    await expect(writeAuditCheckpoint(t.db, t.opts)).rejects.toThrow(/audit chain rewritten: checkpoint manifests\/audit\/0+8\.json records event 8/);
  });
});

describe('audit checkpoints: removals, gaps, forgeries', { timeout: 180_000 }, () => {
  let t: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    t = await setup();
  });
  afterAll(async () => {
    await t.sql.end();
    await t.scratch.drop();
  });

  it('deleting the newest events is a removal, named with the checkpoint that saw them', async () => {
    await t.append(4);
    await writeAuditCheckpoint(t.db, t.opts);
    await t.append(2);
    await writeAuditCheckpoint(t.db, t.opts);
    await t.sql.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`delete from audit_events where seq > 4`;
    });
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, events: 4 });
    expect(await checkAuditCheckpoints(t.db, t.opts)).toMatchObject({
      ok: false,
      problems: [
        {
          kind: 'removal',
          key: auditCheckpointKey({ seq: 6 }),
          message: expect.stringMatching(/the chain ends at event 4, but checkpoint .* recorded event 6: the newest events were removed/),
        },
      ],
    });
    const bad = await cli(['audit', 'verify'], t.env);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/audit checkpoint removal: the chain ends at event 4/);
  });

  it('a checkpoint removed from the bucket is a gap; one signed by another key is invalid', async () => {
    await t.bucket.client.send(new DeleteObjectCommand({ Bucket: t.bucket.bucket, Key: auditCheckpointKey({ seq: 4 }) }));
    const attacker = generateKeyPairSync('ed25519').privateKey;
    const forged = signAuditCheckpoint(
      { schema: 'segflow.audit-checkpoint/1', seq: 3, headHash: 'a'.repeat(64), at: new Date().toISOString(), prev: null },
      attacker,
    );
    await putObjectOnce({ key: auditCheckpointKey({ seq: 3 }), body: Buffer.from(JSON.stringify(forged)), bucket: t.bucket });
    const res = await checkAuditCheckpoints(t.db, t.opts);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    const kinds = res.problems.map((p) => [p.kind, p.key]);
    expect(kinds).toContainEqual(['invalid', auditCheckpointKey({ seq: 3 })]);
    expect(kinds).toContainEqual(['gap', auditCheckpointKey({ seq: 6 })]);
    expect(res.problems.find((p) => p.kind === 'invalid')?.message).toMatch(/not the platform's key/);
    expect(res.problems.find((p) => p.kind === 'gap')?.message).toMatch(/follows checkpoint 4, which is missing from the bucket/);
  });
});

describe('the checkpointer', () => {
  it('is due after N new events or T seconds with new events, never without new events', () => {
    const base = { every: 100, intervalS: 60 };
    expect(checkpointDue({ ...base, headSeq: 5, lastSeq: null, sinceLastMs: 0 })).toBe(true);
    expect(checkpointDue({ ...base, headSeq: 50, lastSeq: 10, sinceLastMs: 1000 })).toBe(false);
    expect(checkpointDue({ ...base, headSeq: 110, lastSeq: 10, sinceLastMs: 1000 })).toBe(true);
    expect(checkpointDue({ ...base, headSeq: 11, lastSeq: 10, sinceLastMs: 60_000 })).toBe(true);
    expect(checkpointDue({ ...base, headSeq: 10, lastSeq: 10, sinceLastMs: 3_600_000 })).toBe(false);
  });

  it('writes one at start when the chain is ahead of the bucket, and one at stop', async () => {
    const t = await setup();
    try {
      await t.append(2);
      const checkpointer = startAuditCheckpointer(() => t.db, { signingKey: platform, bucket: t.bucket, every: 1000, intervalS: 3600 });
      await t.append(2);
      await checkpointer.stop();
      const res = await checkAuditCheckpoints(t.db, t.opts);
      expect(res).toMatchObject({ ok: true, newest: { seq: 4 } });
      expect(res.checkpoints).toBeGreaterThanOrEqual(1);
    } finally {
      await t.sql.end();
      await t.scratch.drop();
    }
  });

  it('links pending reads into the chain and signs a checkpoint that covers them', async () => {
    const t = await setup();
    try {
      await t.append(1);
      for (let i = 0; i < 3; i++)
        await t.db.transaction((tx) => appendPendingAuditEvent(tx, { actorLabel: 'r', action: 'test.read', outcome: 'success', requestId: `p${i}` }));
      const checkpointer = startAuditCheckpointer(() => t.db, { signingKey: platform, bucket: t.bucket, every: 1000, intervalS: 3600, chainMs: 50 });
      await checkpointer.stop();
      expect(await countPendingAuditEvents(t.db)).toBe(0);
      expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, events: 4 });
      expect(await checkAuditCheckpoints(t.db, t.opts)).toMatchObject({ ok: true, newest: { seq: 4 } });
    } finally {
      await t.sql.end();
      await t.scratch.drop();
    }
  });
});
