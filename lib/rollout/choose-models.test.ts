import { createHash, randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { deploymentSlots, models, modelVersions, type ModelVersion } from '@/db/schema';
import { getDb } from '@/lib/db';
import { setSlotVersion } from '@/lib/models/set-slot-version';
import { canaryBucket, chooseModels } from './choose-models';

/**
 * Canary routing (ADR-03): a canary serves a deterministic share of runs, chosen by hashing the
 * study. The share routed must be the declared one (within binomial noise) over many studies, the
 * same study must always land on the same side, and growing the share only adds studies.
 */
/** fixed, well-spread study ids (UUID-shaped), the same on every run of the test */
const studyIds = (n: number, salt: string) =>
  Array.from({ length: n }, (_, i) => {
    const h = createHash('sha256').update(`${salt}:${i}`).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
  });

describe('canaryBucket', () => {
  it('gives the declared share of 10 000 studies at 10, 25 and 50 % (within 5 standard deviations)', () => {
    const ids = studyIds(10_000, 'share');
    const buckets = ids.map(canaryBucket);
    for (const percent of [10, 25, 50]) {
      const share = buckets.filter((b) => b < percent).length / ids.length;
      const p = percent / 100;
      const sd = Math.sqrt((p * (1 - p)) / ids.length);
      expect(Math.abs(share - p), `${percent} %: ${share}`).toBeLessThan(5 * sd);
    }
    // every bucket 0–99 is used, none twice as often as the mean
    const counts = new Array<number>(100).fill(0);
    for (const b of buckets) counts[b]++;
    expect(Math.min(...counts)).toBeGreaterThan(0);
    expect(Math.max(...counts)).toBeLessThan(200);
  });

  it('is stable: the same study, the same bucket, across processes and releases', () => {
    // pinned: changing the hash would move studies between live and canary in the middle of a rollout
    expect(['00000000-0000-4000-8000-000000000000', '6f1b1b7e-8d5c-4b59-9a7e-2f0c9e1d3a42', '11111111-2222-4333-8444-555555555555'].map(canaryBucket)).toEqual([
      39, 18, 59,
    ]);
    const ids = studyIds(50, 'stable');
    expect(ids.map(canaryBucket)).toEqual(ids.map(canaryBucket));
  });
});

describe('chooseModels with a canary on the slot (real database)', () => {
  let modelName: string;
  let live: ModelVersion;
  let canary: ModelVersion;

  beforeAll(async () => {
    const db = getDb();
    modelName = `canary-${randomBytes(4).toString('hex')}`;
    const [model] = await db.insert(models).values({ name: modelName }).returning();
    const spec = { labels: [{ value: 1, name: 'White Matter' }] };
    [live, canary] = await db
      .insert(modelVersions)
      .values(
        ['1.0.0', '1.1.0'].map((v) => ({
          modelId: model.id,
          version: v,
          sha256: randomBytes(32).toString('hex'),
          artifactKey: `models/${modelName}/${v}/model.onnx`,
          spec,
          status: 'validated' as const,
        })),
      )
      .returning();
    await setSlotVersion(db, { modelId: model.id, versionId: live.id, stage: 'live', reason: 'test: live' });
  });

  const setPercent = async (percent: number) => {
    await setSlotVersion(getDb(), {
      modelId: canary.modelId,
      versionId: canary.id,
      stage: 'canary',
      canaryPercent: percent,
      reason: `test: canary ${percent} %`,
    });
    const [slot] = await getDb().select().from(deploymentSlots).where(eq(deploymentSlots.modelId, canary.modelId));
    expect(slot.canaryPercent).toBe(percent);
  };
  const routed = async (ids: string[]) => {
    const out = new Map<string, 'live' | 'canary'>();
    for (const studyId of ids) {
      const { serving } = await chooseModels(getDb(), { model: modelName, studyId });
      out.set(studyId, serving.role as 'live' | 'canary');
      expect(serving.versionId).toBe(serving.role === 'canary' ? canary.id : live.id);
    }
    return out;
  };

  it('routes exactly the studies whose bucket is below the share, the same way every time, and growing the share only adds studies', async () => {
    const ids = studyIds(80, 'route');
    let before = new Set<string>();
    for (const percent of [0, 10, 25, 50, 100]) {
      await setPercent(percent);
      const first = await routed(ids);
      const again = await routed(ids);
      expect([...again]).toEqual([...first]);
      const inCanary = new Set(ids.filter((id) => first.get(id) === 'canary'));
      expect(ids.filter((id) => inCanary.has(id) !== canaryBucket(id) < percent)).toEqual([]);
      expect([...before].filter((id) => !inCanary.has(id))).toEqual([]);
      if (percent === 0) expect(inCanary.size).toBe(0);
      if (percent === 100) expect(inCanary.size).toBe(ids.length);
      before = inCanary;
    }
  });
});
