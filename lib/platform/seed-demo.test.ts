import { and, eq } from 'drizzle-orm';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { auditEvents, memberships, projects, runs, series, storedObjects, studies, users } from '../../db/schema';
import { getObjectBytes } from '../storage/objects';
import { getStorage } from '../storage/s3-client';
import { findUserIdByToken } from '../auth/api-tokens';
import { closeDb, getDb } from '../db';
import { config } from '../config';
import { DEMO_LOGINS, DEMO_PROJECT_SLUG, DEMO_SECOND_OPERATOR, seedDemo } from './seed-demo';
import { SEED_ACTOR, seedDemoContent } from './seed-demo-content';

describe('demo seed', () => {
  afterAll(closeDb);

  it('creates the demo project, users, tokens, models and one study, and a second run changes nothing', async () => {
    const db = getDb();
    const tokensFile = join(config().dataDir, 'seed-test-tokens.json');
    const first = await seedDemo(db, { tokensFile });
    await seedDemoContent(db, { projectId: first.projectId, researcherId: first.userIds.researcher });
    const second = await seedDemo(db, { tokensFile });
    await seedDemoContent(db, { projectId: second.projectId, researcherId: second.userIds.researcher });

    expect(second.projectId).toBe(first.projectId);
    expect(second.tokens).toEqual(first.tokens);
    expect(existsSync(tokensFile)).toBe(true);
    const tokens = JSON.parse(readFileSync(tokensFile, 'utf8')) as Record<string, string>;
    expect(await findUserIdByToken(db, tokens.reviewer)).toBe(first.userIds.reviewer);
    // the second operator too: the CLI's approval of the first operator's request needs another operator's token
    const [op2User] = await db.select({ id: users.id }).from(users).where(eq(users.email, DEMO_SECOND_OPERATOR.email));
    expect(await findUserIdByToken(db, tokens.operator2)).toBe(op2User.id);
    // whoever opens the file reads what the tokens are
    expect(tokens.about).toMatch(/^Demo API tokens of segflow's embedded demo mode/);

    const [project] = await db.select().from(projects).where(eq(projects.slug, DEMO_PROJECT_SLUG));
    // a second operator to approve what the first requests (published with the other demo logins)
    const [op2] = await db
      .select({ role: memberships.role })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(users.email, DEMO_SECOND_OPERATOR.email), eq(memberships.projectId, project.id)));
    expect(op2).toEqual({ role: 'operator' });
    expect(DEMO_LOGINS.map((l) => l.email)).toContain('operator2@demo.segflow');
    const demoStudies = await db.select().from(studies).where(eq(studies.projectId, project.id));
    expect(demoStudies).toHaveLength(1);
    const vols = await db.select().from(series).where(eq(series.studyId, demoStudies[0].id));
    expect(vols).toHaveLength(1);
    expect(vols[0].kind).toBe('nifti');
    expect(vols[0].dims).toEqual([256, 256, 256]);
    // stated as a researcher would, so the demo run checks the brain model's input domain
    expect({ modality: vols[0].modality, bodyPart: vols[0].bodyPart }).toEqual({ modality: 'MR', bodyPart: 'HEAD' });
    // the seeding is in the project's audit log, by the platform, once (the second seeding did nothing)
    const seeded = await db
      .select({ action: auditEvents.action, targetType: auditEvents.targetType, actorId: auditEvents.actorId, details: auditEvents.details })
      .from(auditEvents)
      .where(and(eq(auditEvents.projectId, project.id), eq(auditEvents.actorLabel, SEED_ACTOR)));
    expect(seeded.filter((e) => e.action === 'upload.complete')).toEqual([
      { action: 'upload.complete', targetType: 'upload', actorId: null, details: expect.objectContaining({ study: demoStudies[0].id, modality: 'MR' }) },
    ]);

    // one demo run queued, once; not left queued for an executor sharing this database
    const demoRuns = await db.select().from(runs).where(eq(runs.studyId, demoStudies[0].id));
    expect(demoRuns).toHaveLength(1);
    if (demoRuns[0].status === 'queued') await db.update(runs).set({ status: 'cancelled' }).where(eq(runs.id, demoRuns[0].id));

    // a store that lost the demo object (the database kept, the bucket replaced) gets it back
    const [object] = await db.select().from(storedObjects).where(eq(storedObjects.seriesId, vols[0].id));
    const { client, settings } = getStorage();
    await client.send(new DeleteObjectCommand({ Bucket: settings.bucket, Key: object.key }));
    await seedDemoContent(db, { projectId: second.projectId, researcherId: second.userIds.researcher });
    expect(
      createHash('sha256')
        .update(await getObjectBytes({ key: object.key }))
        .digest('hex'),
    ).toBe(object.sha256);

    // an older install's demo volume, seeded before its facts were stated, gets them once, audited;
    // one whose facts a researcher changed since keeps them
    await db.update(series).set({ modality: null, bodyPart: null }).where(eq(series.id, vols[0].id));
    await seedDemoContent(db, { projectId: second.projectId, researcherId: second.userIds.researcher });
    await seedDemoContent(db, { projectId: second.projectId, researcherId: second.userIds.researcher });
    const [restated] = await db.select({ modality: series.modality, bodyPart: series.bodyPart }).from(series).where(eq(series.id, vols[0].id));
    expect(restated).toEqual({ modality: 'MR', bodyPart: 'HEAD' });
    const factEvents = await db
      .select({ targetId: auditEvents.targetId, details: auditEvents.details })
      .from(auditEvents)
      .where(and(eq(auditEvents.projectId, project.id), eq(auditEvents.actorLabel, SEED_ACTOR), eq(auditEvents.action, 'series.facts.state')));
    expect(factEvents).toEqual([{ targetId: vols[0].id, details: expect.objectContaining({ modality: 'MR', bodyPart: 'HEAD' }) }]);
    await db.update(series).set({ bodyPart: 'BRAIN' }).where(eq(series.id, vols[0].id));
    await seedDemoContent(db, { projectId: second.projectId, researcherId: second.userIds.researcher });
    const [kept] = await db.select({ bodyPart: series.bodyPart }).from(series).where(eq(series.id, vols[0].id));
    expect(kept.bodyPart).toBe('BRAIN');
    // once: facts cleared after they were stated stay cleared
    await db.update(series).set({ modality: null, bodyPart: null }).where(eq(series.id, vols[0].id));
    await seedDemoContent(db, { projectId: second.projectId, researcherId: second.userIds.researcher });
    const [cleared] = await db.select({ modality: series.modality, bodyPart: series.bodyPart }).from(series).where(eq(series.id, vols[0].id));
    expect(cleared).toEqual({ modality: null, bodyPart: null });
  });
});
