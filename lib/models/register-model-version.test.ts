import { eq } from 'drizzle-orm';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { deploymentSlots, modelVersions, models, slotEvents } from '../../db/schema';
import { closeDb, getDb } from '../db';
import { seedDemoModels } from '../platform/seed-demo-content';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { getObjectBytes, headObject } from '../storage/objects';
import { getStorage } from '../storage/s3-client';
import { listModels } from './list-models';
import { registerModelVersion } from './register-model-version';

const root = new URL('../../', import.meta.url).pathname;

describe('model registry', () => {
  afterAll(closeDb);

  it('registers the shipped versions once, stores the artifact by content hash and sets live and shadow', async () => {
    const db = getDb();
    await seedDemoModels(db, root);
    await seedDemoModels(db, root); // idempotent
    const [model] = await db.select().from(models).where(eq(models.name, 'brain-tissue'));
    const versions = await db.select().from(modelVersions).where(eq(modelVersions.modelId, model.id));
    expect(versions.map((v) => v.version).sort()).toEqual(['1.0.0', '1.0.0-degraded', '1.0.0-fp16']);
    const live = versions.find((v) => v.version === '1.0.0')!;
    expect(live.artifactKey).toBe('models/brain-tissue/1.0.0/model.onnx');
    const stored = await getObjectBytes({ key: live.artifactKey });
    expect(Buffer.from(stored).equals(readFileSync(`${root}models/brain-tissue/model.onnx`))).toBe(true);

    const [slot] = await db.select().from(deploymentSlots).where(eq(deploymentSlots.modelId, model.id));
    expect(slot.liveVersionId).toBe(live.id);
    expect(slot.shadowVersionId).toBe(versions.find((v) => v.version === '1.0.0-fp16')!.id);
    const events = await db.select().from(slotEvents).where(eq(slotEvents.slotId, slot.id));
    expect(events.map((e) => e.stage).sort()).toEqual(['live', 'shadow']);

    const listed = (await listModels(db)).find((m) => m.name === 'brain-tissue')!;
    expect(listed.versions.find((v) => v.version === '1.0.0')?.stage).toBe('live');
    expect(listed.versions.find((v) => v.version === '1.0.0-degraded')?.stage).toBeNull();
  });

  it('refuses different bytes under a registered version number', async () => {
    const bytes = readFileSync(`${root}models/brain-tissue-degraded/model.onnx`);
    const spec = JSON.parse(readFileSync(`${root}models/brain-tissue/spec.json`, 'utf8'));
    await expect(registerModelVersion(getDb(), { model: bytes, spec })).rejects.toMatchObject({ code: 'conflict' });
  });
  it('puts the artifact back when the same bytes are registered again and the store lost them', async () => {
    const bytes = readFileSync(`${root}models/brain-tissue/model.onnx`);
    const spec = { ...JSON.parse(readFileSync(`${root}models/brain-tissue/spec.json`, 'utf8')), name: `lost-${Date.now()}` };
    const { version } = await registerModelVersion(getDb(), { model: bytes, spec });
    const { client, settings } = getStorage();
    await client.send(new DeleteObjectCommand({ Bucket: settings.bucket, Key: version.artifactKey }));
    expect(await headObject(version.artifactKey)).toBeNull();
    const again = await registerModelVersion(getDb(), { model: bytes, spec });
    expect(again).toMatchObject({ created: false, version: { id: version.id } });
    expect(Buffer.from(await getObjectBytes({ key: version.artifactKey })).equals(bytes)).toBe(true);
  });
});
