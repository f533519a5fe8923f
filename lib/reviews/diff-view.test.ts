/**
 * Diff mode's data against the real database and S3-protocol server: a seeded run whose masks the
 * real compare step compares, then the reviewer's case loader and the run page's loader hand out the
 * difference labelmap (a presigned derived/ link, audited) and the stored disagreement profile.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, desc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { chainPendingAuditEvents } from '@/lib/audit/chain-pending-audit-events';
import { auditEvents, runSteps } from '@/db/schema';
import { parseStepOutputs } from '@/db/schema/run-json';
import { runGuarded } from '@/lib/auth/guard';
import type { Role } from '@/lib/auth/permissions';
import { getDb } from '@/lib/db';
import { readNifti } from '@/lib/imaging/nifti/read-nifti';
import { getObjectBytes } from '@/lib/storage/objects';
import { seedRunWithImages, type SeededRun } from '@/lib/viewer/test/seed-run-images';
import { createTestProject, type TestProject } from '@/test/test-project';
import { runStep } from '@/workers/run-step';
import { loadReviewCase, REVIEW_CASE_GUARD } from './load-review-case';
import { listRunOutputs } from '@/lib/runs/outputs/list-run-outputs';
import { getRunDiffView } from './run-diff-view';

let tp: TestProject;
let compared: SeededRun;
let uncompared: SeededRun;
let profileBytes: Uint8Array;

/** Runs the real compare step on the seeded run's masks and records it as the pipeline does. */
async function compareStep(seeded: SeededRun) {
  const rows = await getDb().select().from(runSteps).where(eq(runSteps.runId, seeded.run.id));
  const upstream = Object.fromEntries(rows.map((r) => [r.name, parseStepOutputs(r)]));
  const labelsFrom = JSON.parse(readFileSync(join(process.cwd(), 'models/brain-tissue/spec.json'), 'utf8'));
  const result = await runStep({
    step: 'compare',
    task: 'compare',
    run: { id: seeded.run.id, projectId: seeded.run.projectId, studyId: seeded.run.studyId },
    kind: 'nifti',
    inputs: [],
    upstream,
    params: { labelsFrom },
  });
  await getDb().insert(runSteps).values({ runId: seeded.run.id, name: 'compare', status: 'succeeded', attempts: 1, outputs: result.outputs });
  return result;
}

const headersOf = (role: Role, requestId = randomBytes(6).toString('hex')) =>
  new Headers({ authorization: `Bearer ${tp.users[role].token}`, 'x-request-id': requestId });
const keyOf = (url: string) => decodeURIComponent(new URL(url).pathname.split('/').slice(2).join('/'));

beforeAll(async () => {
  tp = await createTestProject(getDb());
  compared = await seedRunWithImages(getDb(), tp, { objects: true });
  const result = await compareStep(compared);
  const profile = result.outputs.find((o) => o.name === 'disagreement.json')!;
  profileBytes = await getObjectBytes({ key: profile.key, versionId: profile.versionId });
  uncompared = await seedRunWithImages(getDb(), tp, { objects: true });
});

describe('diff mode data', () => {
  it("gives the reviewer the case's difference labelmap (derived/, audited) and the stored per-slice counts", async () => {
    const requestId = `diff-${randomBytes(4).toString('hex')}`;
    const c = await runGuarded(REVIEW_CASE_GUARD, headersOf('reviewer', requestId), { comparison: compared.comparison!.id }, loadReviewCase);
    expect(c.diff).not.toBeNull();
    const { diff, profile } = c.diff!;
    expect(profile).toEqual(JSON.parse(new TextDecoder().decode(profileBytes)));
    const diffKey = keyOf(diff.url);
    expect(diffKey).toBe(`derived/${tp.id}/${compared.run.studyId}/runs/${compared.run.id}/compare/diff.nii.gz`);
    const res = await fetch(diff.url);
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(diff.sha256);
    // the seeded masks differ in every class but "shadow-only"; the counts are those of the labelmap
    const vol = readNifti(bytes);
    const differing = Array.from(vol.data).filter((v) => v >= 2).length;
    expect(profile.total.reduce((s, n) => s + n, 0)).toBe(differing);
    expect(differing).toBeGreaterThan(0);

    // reads are recorded pending and chained by the checkpointer: chain them now
    await chainPendingAuditEvents(getDb());
    const [event] = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.requestId, requestId), eq(auditEvents.action, 'review.read')))
      .orderBy(desc(auditEvents.seq));
    expect((event.details.presigned as { key: string }[]).map((p) => p.key)).toEqual([
      compared.keys.volume,
      compared.keys.serving,
      compared.keys.shadow,
      diffKey,
    ]);
  });

  it('has no difference layer for a run compared without one', async () => {
    const c = await runGuarded(REVIEW_CASE_GUARD, headersOf('reviewer'), { comparison: uncompared.comparison!.id }, loadReviewCase);
    expect(c.diff).toBeNull();
  });

  it('gives operators and admins the run page diff view; researchers never (no shadow results), other projects never', async () => {
    const view = (role: Role | null, projectId = tp.id) => getRunDiffView(getDb(), { runId: compared.run.id, projectId, role, audit: [] });
    for (const role of ['operator', 'admin'] as const) {
      const v = await view(role);
      expect(
        v?.images.masks.map((m) => m.id),
        role,
      ).toEqual(['serving', 'shadow']);
      expect(keyOf(v!.diff.diff.url)).toMatch(/\/compare\/diff\.nii\.gz$/);
    }
    expect(await view('researcher')).toBeNull();
    expect(await view('reviewer')).toBeNull();
    const other = await createTestProject(getDb());
    // the run is looked up within the caller's project: another project's operator finds nothing
    expect(await view('operator', other.id)).toBeNull();
  });

  it('lists the difference labelmap and the profile among the run downloads of operators, never of researchers', async () => {
    const files = async (role: Role, seeShadow: boolean) =>
      (await listRunOutputs(getDb(), { runId: compared.run.id, projectId: tp.id, role, seeShadow, audit: [] })).map((o) => o.file);
    expect(await files('operator', true)).toEqual(expect.arrayContaining(['comparison.json', 'difference.nii.gz', 'disagreement.json']));
    expect(await files('researcher', false)).not.toEqual(expect.arrayContaining(['difference.nii.gz']));
    expect(await files('researcher', false)).not.toContain('disagreement.json');
  });
});
