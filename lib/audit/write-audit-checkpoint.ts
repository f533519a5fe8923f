import type { KeyObject } from 'node:crypto';
import { desc, eq } from 'drizzle-orm';
import { auditEvents } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import { loadSigningKey } from '../manifests/signing-key';
import { AUDIT_CHECKPOINT_PREFIX, auditCheckpointKey, auditCheckpointSeq } from '../storage/keys';
import { listKeys } from '../storage/list-keys';
import { getObjectBytes } from '../storage/objects';
import { putObjectOnce, type BucketRef } from '../storage/put-object-once';
import { signAuditCheckpoint, verifyAuditCheckpoint, type TSignedAuditCheckpoint } from './audit-checkpoint';
import { verifyAuditChain } from './verify-audit-chain';

/** The newest event of the chain, or null when there is none. */
export async function auditHead(db: DbOrTx): Promise<{ seq: number; hash: string } | null> {
  const [row] = await db.select({ seq: auditEvents.seq, hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1);
  return row ?? null;
}

/** One stored checkpoint, read back and checked against the platform key (throws naming the key when bad). */
export async function readAuditCheckpoint(key: string, platformKey: KeyObject, bucket?: BucketRef): Promise<TSignedAuditCheckpoint> {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(await getObjectBytes({ key, bucket })).toString('utf8'));
  } catch (err) {
    throw new AppError('invalid_input', `audit checkpoint ${key}: not readable JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const res = verifyAuditCheckpoint(raw, platformKey);
  if (!res.ok) throw new AppError('invalid_input', `audit checkpoint ${key}: ${res.problem}`);
  if (auditCheckpointSeq(key) !== res.signed.checkpoint.seq) {
    throw new AppError('invalid_input', `audit checkpoint ${key}: stored under the key of another seq (it records ${res.signed.checkpoint.seq})`);
  }
  return res.signed;
}

// The newest checkpoint this process knows of, per bucket: the next listing starts after it (so a
// page view lists only the checkpoints written since the last one, not all of them).
const lastKnown = new Map<string, { key: string; signed: TSignedAuditCheckpoint }>();

export async function newestCheckpoint(platformKey: KeyObject, bucket?: BucketRef): Promise<{ key: string; signed: TSignedAuditCheckpoint } | null> {
  const id = bucket?.bucket ?? '(configured)';
  const known = lastKnown.get(id);
  const keys = (await listKeys({ prefix: AUDIT_CHECKPOINT_PREFIX, startAfter: known?.key, bucket })).filter((k) => auditCheckpointSeq(k) !== null);
  if (!keys.length) return known ?? null;
  const key = keys[keys.length - 1];
  const newest = { key, signed: await readAuditCheckpoint(key, platformKey, bucket) };
  lastKnown.set(id, newest);
  return newest;
}

export type TCheckpointWrite = { written: true; key: string; checkpoint: TSignedAuditCheckpoint } | { written: false; reason: string };

/**
 * Writes a signed checkpoint of the chain's newest event, if there are events after the newest
 * checkpoint. Before it signs, it checks that the chain still contains that checkpoint's event with
 * the recorded hash and that every later event chains from it: the platform never signs a rewritten
 * history (it throws instead, and `segflow audit verify` names the checkpoint).
 *
 * No lock: two processes that write at once may both name the same previous checkpoint, which the
 * verifier accepts; write-once keys mean neither replaces the other.
 */
export async function writeAuditCheckpoint(db: DbOrTx, opts: { signingKey?: KeyObject; bucket?: BucketRef; now?: Date } = {}): Promise<TCheckpointWrite> {
  const key = opts.signingKey ?? loadSigningKey();
  const head = await auditHead(db);
  if (!head) return { written: false, reason: 'the audit log is empty' };
  const prev = await newestCheckpoint(key, opts.bucket);
  if (prev && prev.signed.checkpoint.seq >= head.seq) return { written: false, reason: `checkpoint ${prev.signed.checkpoint.seq} is current` };

  let from: { seq: number; hash: string } | undefined;
  if (prev) {
    const { seq, headHash } = prev.signed.checkpoint;
    const [row] = await db.select({ hash: auditEvents.hash }).from(auditEvents).where(eq(auditEvents.seq, seq)).limit(1);
    if (row?.hash !== headHash) {
      throw new AppError(
        'conflict',
        `audit chain rewritten: checkpoint ${prev.key} records event ${seq} with hash ${headHash}, the database ${row ? `has ${row.hash}` : 'has no such event'}; not signing a new checkpoint`,
      );
    }
    from = { seq, hash: headHash };
  }
  const chain = await verifyAuditChain(db, { from });
  if (!chain.ok) throw new AppError('conflict', `audit chain broken at event ${chain.badSeq}: ${chain.problem}; not signing a new checkpoint`);
  if (chain.headSeq < head.seq) return { written: false, reason: 'the chain moved while it was checked' };

  const signed = signAuditCheckpoint(
    {
      schema: 'segflow.audit-checkpoint/1',
      seq: chain.headSeq,
      headHash: chain.head,
      at: (opts.now ?? new Date()).toISOString(),
      prev: prev ? { seq: prev.signed.checkpoint.seq, sha256: prev.signed.sha256 } : null,
    },
    key,
  );
  const objectKey = auditCheckpointKey({ seq: chain.headSeq });
  const put = await putObjectOnce({ key: objectKey, body: Buffer.from(JSON.stringify(signed, null, 2)), contentType: 'application/json', bucket: opts.bucket });
  if (!put.written) return { written: false, reason: `${objectKey} already exists (another process wrote it)` };
  lastKnown.set(opts.bucket?.bucket ?? '(configured)', { key: objectKey, signed });
  return { written: true, key: objectKey, checkpoint: signed };
}
