import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { deploymentSlots, models, modelVersions, slotEvents } from '@/db/schema';
import { getDb } from '@/lib/db';
import { setSlotVersion } from '@/lib/models/set-slot-version';
import { createTestProject } from '@/test/test-project';
import { rollBackCandidate } from './roll-back-candidate';
import { deployShadow } from './deploy-shadow';

async function model() {
  const db = getDb();
  const [m] = await db
    .insert(models)
    .values({ name: `shadow-${randomBytes(4).toString('hex')}` })
    .returning();
  const v = async (version: string, status: 'validated' | 'retired' = 'validated') =>
    (
      await db
        .insert(modelVersions)
        .values({ modelId: m.id, version, sha256: randomBytes(32).toString('hex'), artifactKey: `models/${m.name}/${version}/model.onnx`, spec: {}, status })
        .returning()
    )[0];
  return { m, live: await v('1.0.0'), a: await v('1.1.0'), b: await v('1.2.0'), old: await v('0.9.0', 'retired') };
}

describe('deployShadow', () => {
  it('puts a registered version into shadow with a recorded reason, one shadow at a time', async () => {
    const db = getDb();
    const tp = await createTestProject(db);
    const { m, live, a, b, old } = await model();
    const operator = tp.users.operator.id;
    await expect(deployShadow(db, { modelId: m.id, versionId: a.id, actorId: operator, reason: 'try it' })).rejects.toThrow(/no live version/);
    await setSlotVersion(db, { modelId: m.id, versionId: live.id, stage: 'live', reason: 'first' });

    await expect(deployShadow(db, { modelId: m.id, versionId: a.id, actorId: operator, reason: '  ' })).rejects.toThrow(/needs a reason/);
    await expect(deployShadow(db, { modelId: m.id, versionId: live.id, actorId: operator, reason: 'x' })).rejects.toThrow(/already serving \(live\)/);
    await expect(deployShadow(db, { modelId: m.id, versionId: old.id, actorId: operator, reason: 'x' })).rejects.toThrow(/is retired/);

    const slot = await deployShadow(db, { modelId: m.id, versionId: a.id, actorId: operator, reason: 'compare 1.1 on live traffic' });
    expect(slot.shadowVersionId).toBe(a.id);
    const [event] = await db.select().from(slotEvents).where(eq(slotEvents.versionId, a.id));
    expect(event).toMatchObject({ state: 'shadow', actorId: operator, reason: 'compare 1.1 on live traffic' });

    // a second shadow waits for the first to be rolled back
    await expect(deployShadow(db, { modelId: m.id, versionId: b.id, actorId: operator, reason: 'x' })).rejects.toThrow(/already has a shadow/);
    await rollBackCandidate(db, { modelId: m.id, stage: 'shadow', actorId: operator, reason: 'disagrees with live' });
    await deployShadow(db, { modelId: m.id, versionId: b.id, actorId: operator, reason: 'next candidate' });
    const [after] = await db.select().from(deploymentSlots).where(eq(deploymentSlots.modelId, m.id));
    expect(after).toMatchObject({ liveVersionId: live.id, shadowVersionId: b.id });
  });
});
