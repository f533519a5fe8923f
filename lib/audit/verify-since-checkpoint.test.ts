/**
 * The audit page's check: from the newest signed checkpoint, not the whole chain. On a scratch
 * database with a bucket of its own: with no checkpoint the chain is walked whole; after one, only
 * the later events are read (a change before it is left to the on-demand full walk, which finds it);
 * a change after it is found at once, and so is a rewrite of the checkpoint's own event.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema';
import { createScratchDatabase } from '../../test/scratch-database';
import type { BucketRef } from '../storage/put-object-once';
import { getStorage } from '../storage/s3-client';
import { appendAuditEvent } from './append-audit-event';
import { verifyAuditChain } from './verify-audit-chain';
import { verifyAuditChainSinceCheckpoint } from './verify-since-checkpoint';
import { writeAuditCheckpoint } from './write-audit-checkpoint';

const platform = generateKeyPairSync('ed25519').privateKey;
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let sql: postgres.Sql;
let db: ReturnType<typeof drizzle<typeof schema>>;
let bucket: BucketRef;

const append = async (n: number) => {
  for (let i = 0; i < n; i++)
    await db.transaction((tx) => appendAuditEvent(tx, { actorLabel: 'test', action: 'test.event', outcome: 'success', requestId: `r${i}`, details: { i } }));
};
/** what a superuser could do behind the platform's back */
const tamper = (q: (tx: postgres.TransactionSql) => Promise<unknown>) =>
  sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await q(tx);
  });
const quick = () => verifyAuditChainSinceCheckpoint(db, { platformKey: platform, bucket });

beforeAll(async () => {
  scratch = await createScratchDatabase();
  sql = postgres(scratch.url, { max: 2, onnotice: () => {} });
  db = drizzle(sql, { schema });
  bucket = { client: getStorage().client, bucket: `audit-${randomBytes(4).toString('hex')}` };
  await bucket.client.send(new CreateBucketCommand({ Bucket: bucket.bucket }));
});
afterAll(async () => {
  await sql.end();
  await scratch.drop();
});

describe('audit chain verified from the newest checkpoint', () => {
  it('walks the whole chain while there is no checkpoint, then only the events after the newest one', async () => {
    await append(5);
    expect(await quick()).toMatchObject({ ok: true, events: 5, headSeq: 5, since: null });
    const w = await writeAuditCheckpoint(db, { signingKey: platform, bucket });
    expect(w).toMatchObject({ written: true });
    await append(3);
    expect(await quick()).toMatchObject({ ok: true, events: 3, headSeq: 8, since: { seq: 5 } });
  });

  it('leaves a change before the checkpoint to the full walk (which names it), and finds one after it at once', async () => {
    await tamper((tx) => tx`update audit_events set action = 'test.rewritten' where seq = 2`);
    expect(await quick()).toMatchObject({ ok: true, events: 3 });
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, badSeq: 2, problem: expect.stringMatching(/^hash mismatch: event 2/) });
    await tamper((tx) => tx`update audit_events set action = 'test.rewritten' where seq = 7`);
    expect(await quick()).toMatchObject({ ok: false, badSeq: 7, problem: expect.stringMatching(/^hash mismatch: event 7/), since: { seq: 5 } });
  });

  it('names a rewrite of the checkpoint’s own event', async () => {
    await tamper((tx) => tx`update audit_events set hash = ${'f'.repeat(64)} where seq = 5`);
    expect(await quick()).toMatchObject({ ok: false, badSeq: 5, problem: expect.stringContaining('(history was rewritten)') });
  });
});
