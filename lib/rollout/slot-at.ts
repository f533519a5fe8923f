import { and, asc, eq, lte } from 'drizzle-orm';
import { deploymentSlots, modelVersions, slotEvents } from '@/db/schema';
import type { DbOrTx } from '../db';

export interface SlotVersionAt {
  versionId: string;
  version: string;
  sha256: string;
  /** when it took this stage (for a canary: its current share) */
  since: Date;
}

export interface SlotAt {
  at: Date;
  live: SlotVersionAt | null;
  canary: (SlotVersionAt & { percent: number }) | null;
  shadow: SlotVersionAt | null;
}

/**
 * What a model's slot held at an instant — live, canary (and its share) and shadow — replayed from
 * its recorded events up to then, the way every change writes them: a stage event puts a version on
 * that stage (a canary or live event moves it off the stages it came from), a rollback clears its
 * stage, a passed gate changes nothing.
 */
export async function slotAt(db: DbOrTx, p: { modelId: string; at: Date }): Promise<SlotAt> {
  const events = await db
    .select({
      versionId: slotEvents.versionId,
      version: modelVersions.version,
      sha256: modelVersions.sha256,
      stage: slotEvents.stage,
      state: slotEvents.state,
      percent: slotEvents.canaryPercent,
      at: slotEvents.createdAt,
    })
    .from(slotEvents)
    .innerJoin(deploymentSlots, eq(deploymentSlots.id, slotEvents.slotId))
    .innerJoin(modelVersions, eq(modelVersions.id, slotEvents.versionId))
    .where(and(eq(deploymentSlots.modelId, p.modelId), lte(slotEvents.createdAt, p.at)))
    .orderBy(asc(slotEvents.createdAt), asc(slotEvents.id));
  const s: SlotAt = { at: p.at, live: null, canary: null, shadow: null };
  for (const e of events) {
    const v = { versionId: e.versionId, version: e.version, sha256: e.sha256, since: e.at };
    const offOthers = () => {
      if (s.shadow?.versionId === e.versionId) s.shadow = null;
      if (s.canary?.versionId === e.versionId) s.canary = null;
    };
    // a rejected event declines a request and leaves the candidate where it was (lib/rollout/reject-promotion.ts)
    if (e.state === 'rolled_back') {
      if (e.stage === 'shadow') s.shadow = null;
      if (e.stage === 'canary') s.canary = null;
    } else if (e.state === 'shadow') s.shadow = v;
    else if (e.state === 'canary') {
      offOthers();
      s.canary = { ...v, percent: e.percent ?? 0 };
    } else if (e.state === 'live') {
      offOthers();
      s.live = v;
    }
  }
  return s;
}
