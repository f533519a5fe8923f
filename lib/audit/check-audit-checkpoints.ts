import type { KeyObject } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import { auditEvents } from '@/db/schema';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import { loadSigningKey } from '../manifests/signing-key';
import { AUDIT_CHECKPOINT_PREFIX, auditCheckpointSeq } from '../storage/keys';
import { listKeys } from '../storage/list-keys';
import type { BucketRef } from '../storage/put-object-once';
import type { TSignedAuditCheckpoint } from './audit-checkpoint';
import { auditHead, readAuditCheckpoint } from './write-audit-checkpoint';

export type TCheckpointProblem = { kind: 'invalid' | 'gap' | 'rewrite' | 'removal'; key: string; message: string };

export type TCheckpointCheck =
  | { ok: true; checkpoints: number; newest: { seq: number; key: string } | null }
  | { ok: false; checkpoints: number; problems: TCheckpointProblem[] };

/**
 * Checks the audit chain in the database against every signed checkpoint in the bucket:
 * - invalid: a checkpoint that does not verify against the platform's key (forged or altered);
 * - gap: a checkpoint names a previous checkpoint that is no longer in the bucket;
 * - rewrite: the event a checkpoint records is gone or has another hash (history was rewritten,
 *   even when every later hash was recomputed so that the chain is consistent in itself);
 * - removal: the chain ends before the newest checkpoint (the newest events were deleted).
 * Run it after verifyAuditChain(), which checks the chain's own links and hashes.
 */
export async function checkAuditCheckpoints(db: DbOrTx, opts: { platformKey?: KeyObject; bucket?: BucketRef } = {}): Promise<TCheckpointCheck> {
  const platformKey = opts.platformKey ?? loadSigningKey();
  const keys = (await listKeys({ prefix: AUDIT_CHECKPOINT_PREFIX, bucket: opts.bucket })).filter((k) => auditCheckpointSeq(k) !== null);
  const problems: TCheckpointProblem[] = [];
  const valid: { key: string; signed: TSignedAuditCheckpoint }[] = [];
  for (const key of keys) {
    try {
      valid.push({ key, signed: await readAuditCheckpoint(key, platformKey, opts.bucket) });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      problems.push({ kind: 'invalid', key, message: err.message });
    }
  }

  const bySeq = new Map(valid.map((c) => [c.signed.checkpoint.seq, c]));
  for (const { key, signed } of valid) {
    const prev = signed.checkpoint.prev;
    if (prev && bySeq.get(prev.seq)?.signed.sha256 !== prev.sha256) {
      problems.push({
        kind: 'gap',
        key,
        message: `checkpoint ${key} follows checkpoint ${prev.seq}, which is ${bySeq.has(prev.seq) ? 'not the one it signed' : 'missing from the bucket'}`,
      });
    }
  }

  const head = await auditHead(db);
  const hashes = new Map<number, string>();
  const seqs = valid.map((c) => c.signed.checkpoint.seq);
  for (let i = 0; i < seqs.length; i += 1000) {
    const rows = await db
      .select({ seq: auditEvents.seq, hash: auditEvents.hash })
      .from(auditEvents)
      .where(inArray(auditEvents.seq, seqs.slice(i, i + 1000)));
    for (const r of rows) hashes.set(r.seq, r.hash);
  }
  for (const { key, signed } of valid) {
    const { seq, headHash, at } = signed.checkpoint;
    const found = hashes.get(seq);
    if (found === headHash) continue;
    if (!head || head.seq < seq) {
      problems.push({
        kind: 'removal',
        key,
        message: `the chain ends at event ${head?.seq ?? 0}, but checkpoint ${key} (${at}) recorded event ${seq}: the newest events were removed`,
      });
    } else {
      problems.push({
        kind: 'rewrite',
        key,
        message: `checkpoint ${key} (${at}) recorded event ${seq} with hash ${headHash}; the chain ${found ? `has ${found}` : 'has no such event'}: history before it was rewritten`,
      });
    }
  }
  if (problems.length) return { ok: false, checkpoints: keys.length, problems };
  const newest = valid[valid.length - 1];
  return { ok: true, checkpoints: keys.length, newest: newest ? { seq: newest.signed.checkpoint.seq, key: newest.key } : null };
}
