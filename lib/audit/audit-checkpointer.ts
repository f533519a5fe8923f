import { config } from '../config';
import type { DbOrTx } from '../db';
import { auditHead, writeAuditCheckpoint } from './write-audit-checkpoint';

export interface AuditCheckpointer {
  /** stops the timer and writes a last checkpoint of whatever is new (call before closing the pool) */
  stop(): Promise<void>;
}

/**
 * Keeps the bucket's checkpoints close to the chain: a signed checkpoint once SEGFLOW_AUDIT_CHECKPOINT_EVERY
 * events arrived since the last one, or SEGFLOW_AUDIT_CHECKPOINT_INTERVAL_S seconds passed with at least
 * one new event, and one more at stop(). The head is polled (one indexed row) every few seconds; the
 * chain is only re-walked from the last checkpoint when one is written. Runs in the executor process
 * (`segflow executor`, every deployment has one) and in an app that takes runs itself.
 */
export function startAuditCheckpointer(db: () => DbOrTx, log: (msg: string) => void = (m) => console.error(`[audit] ${m}`)): AuditCheckpointer {
  const { checkpointEvery, checkpointIntervalS } = config().audit;
  let lastSeq: number | null = null;
  let lastAt = Date.now();
  let busy: Promise<void> = Promise.resolve();
  let failed = false;

  const write = async () => {
    try {
      const res = await writeAuditCheckpoint(db());
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
    const head = await auditHead(db()).catch(() => null);
    if (!head || head.seq === lastSeq) return;
    if (lastSeq === null || head.seq - lastSeq >= checkpointEvery || Date.now() - lastAt >= checkpointIntervalS * 1000) await write();
  };
  // the first tick writes at once when the chain is ahead of the bucket (after a restart)
  const timer = setInterval(() => (busy = busy.then(tick)), Math.min(checkpointIntervalS * 1000, 5000));
  timer.unref();
  busy = busy.then(tick);
  return {
    async stop() {
      clearInterval(timer);
      await busy;
      await write();
    },
  };
}
