import type { DbOrTx } from '../db';
import { findModel } from './find-model-version';
import { slotAt } from './slot-at';
import { slotHistory } from './slot-history';

/** A model's slot at an instant and its events up to then (newest first): the API's and `segflow rollout history`'s answer. */
export async function modelHistory(db: DbOrTx, p: { model: string; at: Date }) {
  const m = await findModel(db, p.model);
  const slot = await slotAt(db, { modelId: m.id, at: p.at });
  const events = await slotHistory(db, { modelId: m.id });
  return {
    model: m.name,
    at: p.at.toISOString(),
    live: slot.live,
    canary: slot.canary,
    shadow: slot.shadow,
    events: events
      .filter((e) => e.at <= p.at)
      .map((e) => ({ at: e.at, version: e.version, stage: e.stage, state: e.state, canaryPercent: e.canaryPercent, actor: e.actorEmail, reason: e.reason })),
  };
}
