import type { Run } from '@/db/schema';
import type { DbOrTx } from '../db';

/**
 * Called by the executors once a run has finished (succeeded or failed): where canary gates are
 * re-evaluated (and a failing canary rolled back). Must not throw for an unrelated run.
 */
export async function afterRunFinished(db: DbOrTx, run: Run): Promise<void> {
  void db;
  void run;
}
