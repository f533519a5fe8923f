import type { KeyObject } from 'node:crypto';
import { config } from '../config';
import type { DbOrTx } from '../db';
import type { BucketRef } from '../storage/put-object-once';
import { chainPendingAuditEvents } from './chain-pending-audit-events';
import { auditHead, writeAuditCheckpoint } from './write-audit-checkpoint';
import { logger } from '../log/logger';

const auditLog = logger('audit');

export interface AuditCheckpointer {
  /** stops the timers, chains what is pending and writes a last checkpoint of whatever is new (call before closing the pool) */
  stop(): Promise<void>;
}

/** Whether a checkpoint is due: new events, and either `every` of them or `intervalS` since the last write. */
export function checkpointDue(p: { headSeq: number; lastSeq: number | null; sinceLastMs: number; every: number; intervalS: number }): boolean {
  if (p.lastSeq !== null && p.headSeq <= p.lastSeq) return false;
  return p.lastSeq === null || p.headSeq - p.lastSeq >= p.every || p.sinceLastMs >= p.intervalS * 1000;
}

/**
 * The chainer and the checkpoint writer, one after the other on one queue. Every `chainMs` (1 s) it
 * links pending events (reads) into the hash chain (chain-pending-audit-events.ts).
 * Keeps the bucket's checkpoints close to the chain: a signed checkpoint once SEGFLOW_AUDIT_CHECKPOINT_EVERY
 * events arrived since the last one, or SEGFLOW_AUDIT_CHECKPOINT_INTERVAL_S seconds passed with at least
 * one new event, and one more at stop(). The head is polled (one indexed row) every few seconds; the
 * chain is only re-walked from the last checkpoint when one is written. Runs in the executor process
 * (`segflow executor`, every deployment has one) and in an app that takes runs itself.
 */
export function startAuditCheckpointer(
  db: () => DbOrTx,
  opts: { log?: (msg: string) => void; signingKey?: KeyObject; bucket?: BucketRef; every?: number; intervalS?: number; chainMs?: number } = {},
): AuditCheckpointer {
  const every = opts.every ?? config().audit.checkpointEvery;
  const intervalS = opts.intervalS ?? config().audit.checkpointIntervalS;
  const log = opts.log ?? ((m: string) => auditLog.error(m));
  let lastSeq: number | null = null;
  let lastAt = Date.now();
  let busy: Promise<void> = Promise.resolve();
  let failed = false;
  let chainFailed = false;

  const chain = async () => {
    try {
      await chainPendingAuditEvents(db());
      chainFailed = false;
    } catch (err) {
      if (!chainFailed) log(`pending audit events not chained: ${err instanceof Error ? err.message : String(err)}`);
      chainFailed = true;
    }
  };

  const write = async () => {
    try {
      const res = await writeAuditCheckpoint(db(), { signingKey: opts.signingKey, bucket: opts.bucket });
      if (res.written) lastSeq = res.checkpoint.checkpoint.seq;
      lastAt = Date.now();
      failed = false;
    } catch (err) {
      // once per failure streak: a rewritten chain or an unreachable bucket must be seen, not spam the log
      if (!failed) log(`checkpoint not written: ${err instanceof Error ? err.message : String(err)}`);
      failed = true;
    }
  };
  const tick = async () => {
    await chain();
    const head = await auditHead(db()).catch(() => null);
    if (head && checkpointDue({ headSeq: head.seq, lastSeq, sinceLastMs: Date.now() - lastAt, every, intervalS })) await write();
  };
  // the first tick writes at once when the chain is ahead of the bucket (after a restart)
  const timer = setInterval(() => (busy = busy.then(tick)), Math.min(intervalS * 1000, 5000));
  timer.unref();
  let chainQueued = false; // one queued chaining at most, however slow the database
  const chainTimer = setInterval(() => {
    if (chainQueued) return;
    chainQueued = true;
    busy = busy.then(() => {
      chainQueued = false;
      return chain();
    });
  }, opts.chainMs ?? 1000);
  chainTimer.unref();
  busy = busy.then(tick);
  return {
    async stop() {
      clearInterval(timer);
      clearInterval(chainTimer);
      await busy;
      await chain();
      await write();
    },
  };
}
