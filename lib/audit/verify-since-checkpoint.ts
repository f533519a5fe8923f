import type { KeyObject } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { auditEvents } from '@/db/schema';
import type { DbOrTx } from '../db';
import { isAppError } from '../errors';
import { loadSigningKey } from '../manifests/signing-key';
import type { BucketRef } from '../storage/put-object-once';
import { verifyAuditChain, type AuditChainResult } from './verify-audit-chain';
import { newestCheckpoint } from './write-audit-checkpoint';

export type AuditChainSinceResult = AuditChainResult & {
  /** the signed checkpoint the walk started from; null: there is none yet and the chain was walked whole */
  since: { seq: number; key: string } | null;
};

/**
 * What the audit page checks on each view: the events after the newest signed checkpoint (at most
 * SEGFLOW_AUDIT_CHECKPOINT_EVERY of them, about 100) chain from the hash the checkpoint signed, and
 * the database still holds the checkpoint's event with that hash. Everything before it was checked
 * when the checkpoint was signed and is covered by its signature; `verifyAuditChain` (the page's
 * "verify the whole chain", `segflow audit verify`) walks all of it on demand.
 */
export async function verifyAuditChainSinceCheckpoint(db: DbOrTx, opts: { platformKey?: KeyObject; bucket?: BucketRef } = {}): Promise<AuditChainSinceResult> {
  let newest: Awaited<ReturnType<typeof newestCheckpoint>>;
  try {
    newest = await newestCheckpoint(opts.platformKey ?? loadSigningKey(), opts.bucket);
  } catch (err) {
    // a checkpoint that does not verify is itself the finding
    if (!isAppError(err)) throw err;
    return { ok: false, events: 0, badSeq: 0, problem: err.message, since: null };
  }
  if (!newest) return { ...(await verifyAuditChain(db)), since: null };
  const { seq, headHash } = newest.signed.checkpoint;
  const since = { seq, key: newest.key };
  const [row] = await db.select({ hash: auditEvents.hash }).from(auditEvents).where(eq(auditEvents.seq, seq)).limit(1);
  if (row?.hash !== headHash) {
    return {
      ok: false,
      events: 0,
      badSeq: seq,
      problem: `checkpoint ${newest.key} signed event ${seq} with hash ${headHash.slice(0, 12)}…; the database ${row ? `has ${row.hash?.slice(0, 12)}…` : 'has no such event'} (history was rewritten)`,
      since,
    };
  }
  return { ...(await verifyAuditChain(db, { from: { seq, hash: headHash } })), since };
}
