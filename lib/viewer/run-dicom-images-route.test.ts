/**
 * GET /api/runs/:run/images?format=dicom against the real database and the real S3-protocol server:
 * a run on a DICOM series is shown natively from its de-identified instances (derived/, never the
 * raw upload) with its DICOM SEG; who gets which SEG, that every link serves the recorded object,
 * that the audit event names every key, and the refusals.
 */
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { GET } from '@/app/api/runs/[run]/images/route';
import { auditEvents } from '@/db/schema';
import { chainPendingAuditEvents } from '@/lib/audit/chain-pending-audit-events';
import type { Role } from '@/lib/auth/permissions';
import { getDb } from '@/lib/db';
import { createTestProject, type TestProject } from '@/test/test-project';
import type { RunDicomImagesDto, RunImagesDto } from './schemas';
import { addDicomOutputs } from './test/seed-run-dicom';
import { seedRunWithImages, type SeededRun } from './test/seed-run-images';

let tp: TestProject;
let seeded: SeededRun;
let keys: Awaited<ReturnType<typeof addDicomOutputs>>;

beforeAll(async () => {
  tp = await createTestProject(getDb());
  seeded = await seedRunWithImages(getDb(), tp, { objects: true });
  keys = await addDicomOutputs(getDb(), tp, seeded);
});

type Body = RunDicomImagesDto & RunImagesDto & { error?: { code: string; message: string } };

async function images(role: Role, runId: string, query = '?format=dicom', requestId?: string) {
  const res = await GET(
    new Request(`http://segflow.test/api/runs/${runId}/images${query}`, {
      headers: { authorization: `Bearer ${tp.users[role].token}`, ...(requestId ? { 'x-request-id': requestId } : {}) },
    }),
    { params: Promise.resolve({ run: runId }) },
  );
  return { status: res.status, body: (await res.json()) as Body };
}

const keyOf = (url: string) => decodeURIComponent(new URL(url).pathname.split('/').slice(2).join('/'));

async function expectServes(url: string, sha256: string) {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(
    createHash('sha256')
      .update(new Uint8Array(await res.arrayBuffer()))
      .digest('hex'),
  ).toBe(sha256);
}

describe('GET /api/runs/:run/images?format=dicom', () => {
  it('gives a researcher every de-identified instance and the serving SEG only, as short-lived links under derived/', async () => {
    const { status, body } = await images('researcher', seeded.run.id);
    expect(status).toBe(200);
    expect(body.format).toBe('dicom');
    expect(body.instances.map((l) => keyOf(l.url))).toEqual(keys.instances);
    expect(body.masks.map((m) => [m.id, m.role, m.version, keyOf(m.url)])).toEqual([['serving', 'live', '1.0.0', keys.segs['infer-serving']]]);
    expect(body.masks[0].labels.map((l) => l.name)).toEqual(['White Matter', 'Grey Matter']);
    expect(body.references).toEqual([]); // none attached to the series
    for (const link of [...body.instances, ...body.masks]) {
      expect(keyOf(link.url).startsWith(`derived/${tp.id}/`)).toBe(true);
      expect(Number(new URL(link.url).searchParams.get('X-Amz-Expires'))).toBeLessThanOrEqual(300);
      await expectServes(link.url, link.sha256);
    }
  });

  it('gives operators the shadow SEG too, and says on the NIfTI links that the run can be shown natively', async () => {
    const { body } = await images('operator', seeded.run.id);
    expect(body.masks.map((m) => [m.id, keyOf(m.url)])).toEqual([
      ['serving', keys.segs['infer-serving']],
      ['shadow', keys.segs['infer-shadow']],
    ]);
    expect((await images('researcher', seeded.run.id, '')).body.dicom).toBe(true);
    const nifti = await seedRunWithImages(getDb(), tp, { objects: true });
    expect((await images('researcher', nifti.run.id, '')).body.dicom).toBe(false);
  });

  it('names every presigned instance and SEG in the audit event', async () => {
    const requestId = `dicom-images-${Date.now()}`;
    await images('researcher', seeded.run.id, '?format=dicom', requestId);
    await chainPendingAuditEvents(getDb());
    const [event] = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.requestId, requestId), eq(auditEvents.action, 'run.images')));
    expect(event.outcome).toBe('success');
    expect((event.details.presigned as { key: string }[]).map((p) => p.key)).toEqual([...keys.instances, keys.segs['infer-serving']]);
  });

  it('answers 404 for a run on a NIfTI volume, 400 for an unknown format, and refuses reviewers', async () => {
    const nifti = await seedRunWithImages(getDb(), tp, { objects: true });
    const none = await images('researcher', nifti.run.id);
    expect(none.status).toBe(404);
    expect(none.body.error?.message).toMatch(/has no de-identified DICOM instances \(its input is not a DICOM series/);
    const bad = await images('researcher', seeded.run.id, '?format=png');
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toMatch(/format/);
    expect((await images('reviewer', seeded.run.id)).status).toBe(403);
  });

  it('never signs an instance outside derived/, whatever a step row says', async () => {
    const bad = await seedRunWithImages(getDb(), tp, { objects: true });
    await addDicomOutputs(getDb(), tp, bad, { instances: 1, instanceKey: (k) => k.replace(/^derived\//, 'raw-phi/') });
    const res = await images('researcher', bad.run.id);
    expect(res.status).toBe(403);
    expect(res.body.error?.message).toMatch(/may not get objects under raw-phi\//);
  });
});
