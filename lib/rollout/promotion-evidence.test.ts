/**
 * An approval writes its evidence record once, signed like a run manifest: the gate's inputs (the
 * compared runs by id, the checks), the policy, requester, approver and reason. The slot event names
 * it; `segflow manifest verify` accepts it with the platform's key and refuses it once edited.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, desc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { slotEvents } from '@/db/schema';
import { getDb } from '@/lib/db';
import { runCli } from '@/test/run-cli';
import { createTestProject, type TestProject } from '@/test/test-project';
import { ZSignedEvidence } from '../manifests/sign-manifest';
import { publicKeyPem } from '../manifests/signing-key';
import { verifyManifest } from '../manifests/verify-manifest';
import { getObjectBytes } from '../storage/objects';
import { approvePromotion } from './approve-promotion';
import { requestPromotion } from './request-promotion';
import { addRuns, createDeployment, createOperator, createStudy } from './test/scenario';

let tp: TestProject;

beforeAll(async () => {
  tp = await createTestProject(getDb());
});

describe('promotion evidence', () => {
  it('is written once at approval, names the gate inputs and people, and verifies with the platform key', async () => {
    const db = getDb();
    const d = await createDeployment(db, { registeredBy: null });
    const studyId = await createStudy(db, tp);
    const runs = await addRuns(db, tp, studyId, 20, { served: { versionId: d.live.id, role: 'live' }, shadowVersionId: d.candidate.id });
    const approver = await createOperator(db, tp);
    const { event: request } = await db.transaction((tx) =>
      requestPromotion(tx, { modelId: d.modelId, stage: 'shadow', actorId: tp.users.operator.id, note: 'ok' }),
    );
    const { evidenceKey } = await db.transaction((tx) =>
      approvePromotion(tx, { modelId: d.modelId, stage: 'shadow', actorId: approver.id, reason: 'twenty agreeing cases' }),
    );
    expect(evidenceKey).toMatch(new RegExp(`^manifests/promotions/${d.modelId}/${request.id}/\\d+\\.json$`));

    // the canary event that the approval wrote points at it
    const [canary] = await db
      .select()
      .from(slotEvents)
      .where(and(eq(slotEvents.versionId, d.candidate.id), eq(slotEvents.state, 'canary')))
      .orderBy(desc(slotEvents.createdAt))
      .limit(1);
    expect((canary.gate as { evidenceKey?: string }).evidenceKey).toBe(evidenceKey);

    const envelope = JSON.parse(new TextDecoder().decode(await getObjectBytes({ key: evidenceKey })));
    const { manifest: e } = ZSignedEvidence.parse(envelope);
    expect(e).toMatchObject({
      model: { id: d.modelId, name: d.name },
      version: { id: d.candidate.id, version: '1.1.0' },
      from: { stage: 'shadow', percent: null },
      to: { stage: 'canary' },
      requestEvent: request.id,
      requesters: [{ id: tp.users.operator.id, email: tp.users.operator.email }],
      approver: { id: approver.id },
      reason: 'twenty agreeing cases',
    });
    expect([...e.caseRuns].sort()).toEqual(runs.map((r) => r.id).sort());
    expect(e.gate).toMatchObject({ passed: true, cases: 20, policy: { minComparedCases: 20 } });

    expect(verifyManifest(envelope, { trustedPublicKeys: [publicKeyPem()] })).toMatchObject({ ok: true });
    const edited = structuredClone(envelope);
    edited.manifest.reason = 'approved without looking';
    expect(verifyManifest(edited, { trustedPublicKeys: [publicKeyPem()] })).toMatchObject({ ok: false, problem: expect.stringMatching(/sha256 mismatch/) });

    // the CLI checks it as it checks run manifests
    const dir = mkdtempSync(join(tmpdir(), 'segflow-evidence-'));
    writeFileSync(join(dir, 'evidence.json'), JSON.stringify(envelope));
    writeFileSync(join(dir, 'key.pem'), publicKeyPem());
    const ok = await runCli(['manifest', 'verify', join(dir, 'evidence.json'), '--public-key', join(dir, 'key.pem')]);
    expect(ok.code, ok.stderr + ok.stdout).toBe(0);
    writeFileSync(join(dir, 'edited.json'), JSON.stringify(edited));
    const bad = await runCli(['manifest', 'verify', join(dir, 'edited.json'), '--public-key', join(dir, 'key.pem')]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/sha256 mismatch/);
  });
});
