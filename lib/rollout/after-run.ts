import type { Run } from '@/db/schema';
import type { DbOrTx } from '../db';
import { compareRunWithReferences } from '../references/compare-run-with-references';
import { rollBackFailingCanary } from './roll-back-failing-canary';

/**
 * Called by the executors once a run has finished (succeeded or failed): a run the canary served
 * re-evaluates the canary gate, and a canary failing it is rolled back; a succeeded run is compared
 * with the reference segmentations of its series (lib/references). Never throws: the run itself
 * is done whatever happens here, and an error is logged for the operator.
 */
export async function afterRunFinished(db: DbOrTx, run: Run): Promise<void> {
  try {
    const event = await rollBackFailingCanary(db, run);
    if (event) console.warn(`[segflow] ${event.reason}`);
  } catch (err) {
    console.error('[segflow] canary gate check after run', run.id, 'failed:', err);
  }
  try {
    await compareRunWithReferences(db, run);
  } catch (err) {
    console.error('[segflow] reference comparison of run', run.id, 'failed:', err);
  }
}
