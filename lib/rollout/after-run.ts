import type { Run } from '@/db/schema';
import type { DbOrTx } from '../db';
import { compareRunWithReferences } from '../references/compare-run-with-references';
import { rollBackFailingCanary } from './roll-back-failing-canary';
import { logger } from '../log/logger';

const log = logger('rollout');

/**
 * Called by the executors once a run has finished (succeeded or failed): a run the canary served
 * re-evaluates the canary gate, and a canary failing it is rolled back; a succeeded run is compared
 * with the reference segmentations of its series (lib/references). Never throws: the run itself
 * is done whatever happens here, and an error is logged for the operator.
 */
export async function afterRunFinished(db: DbOrTx, run: Run): Promise<void> {
  try {
    const event = await rollBackFailingCanary(db, run);
    if (event) log.warn({ run: run.id, reason: event.reason }, 'canary rolled back');
  } catch (err) {
    log.error({ err, run: run.id }, 'canary gate check after a run failed');
  }
  try {
    await compareRunWithReferences(db, run);
  } catch (err) {
    console.error('[segflow] reference comparison of run', run.id, 'failed:', err);
  }
}
