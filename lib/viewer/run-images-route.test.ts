/**
 * GET /api/runs/:run/images against the real database and the real S3-protocol server: who gets
 * which masks, that every link is a short-lived presigned GET under the project's derived/ prefix
 * that really serves the recorded object, that the audit event names every key, and the refusals.
 */
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { GET } from '@/app/api/runs/[run]/images/route';
import { auditEvents } from '@/db/schema';
import { getDb } from '@/lib/db';
import { createTestProject, type TestProject } from '@/test/test-project';
import { newRun } from '@/test/endpoint-matrix';
import type { Role } from '@/lib/auth/permissions';
import { LABEL_PALETTE } from './label-palette';
import type { RunImagesDto } from './schemas';
import { seedRunWithImages, type SeededRun } from './test/seed-run-images';
import { chainPendingAuditEvents } from '@/lib/audit/chain-pending-audit-events';

let tp: TestProject;
let seeded: SeededRun;

beforeAll(async () => {
  tp = await createTestProject(getDb());
  seeded = await seedRunWithImages(getDb(), tp, { objects: true });
});

async function images(role: Role | 'outsider', runId: string, requestId?: string) {
  const token = role === 'outsider' ? tp.outsider.token : tp.users[role].token;
  const res = await GET(
    new Request(`http://segflow.test/api/runs/${runId}/images`, {
      headers: { authorization: `Bearer ${token}`, ...(requestId ? { 'x-request-id': requestId } : {}) },
    }),
    {
      params: Promise.resolve({ run: runId }),
    },
  );
  return { status: res.status, body: (await res.json()) as RunImagesDto & { error?: { code: string; message: string } } };
}

function objectKeyOf(url: string): string {
  // path-style: /<bucket>/<key>
  return decodeURIComponent(new URL(url).pathname.split('/').slice(2).join('/'));
}

async function expectServes(url: string, sha256: string) {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(
    createHash('sha256')
      .update(new Uint8Array(await res.arrayBuffer()))
      .digest('hex'),
  ).toBe(sha256);
}

describe('GET /api/runs/:run/images', () => {
  it('gives a researcher the volume and the serving mask only, with the label table, as short-lived links under derived/', async () => {
    const { status, body } = await images('researcher', seeded.run.id);
    expect(status).toBe(200);
    expect(body.run).toBe(seeded.run.id);
    expect(body.modality).toBeNull(); // the seeded run's series is not in the database: no modality to offer presets for
    expect(body.masks.map((m) => [m.id, m.role, m.version])).toEqual([['serving', 'live', '1.0.0']]);
    expect(JSON.stringify(body)).not.toContain('1.1.0-rc');
    expect(body.masks[0].labels).toEqual([
      // white over a T1 has no contrast: drawn in the palette's first colour; the model's kept beside it
      { value: 1, name: 'White Matter', color: [...LABEL_PALETTE[0]], modelColor: [255, 255, 255] },
      { value: 2, name: 'Grey Matter', color: [205, 62, 78], modelColor: [205, 62, 78] },
    ]);
    expect(objectKeyOf(body.volume.url)).toBe(seeded.keys.volume);
    expect(objectKeyOf(body.masks[0].url)).toBe(seeded.keys.serving);
    for (const link of [body.volume, ...body.masks]) {
      expect(objectKeyOf(link.url).startsWith(`derived/${tp.id}/`)).toBe(true);
      const expires = Number(new URL(link.url).searchParams.get('X-Amz-Expires'));
      expect(expires).toBeGreaterThan(0);
      expect(expires).toBeLessThanOrEqual(300);
      expect(Date.parse(link.expiresAt) - Date.now()).toBeLessThanOrEqual(300_000);
      await expectServes(link.url, link.sha256);
    }
  });

  it('gives operators and admins the shadow mask too', async () => {
    for (const role of ['operator', 'admin'] as const) {
      const { status, body } = await images(role, seeded.run.id);
      expect(status, role).toBe(200);
      expect(body.masks.map((m) => [m.id, m.role, m.version])).toEqual([
        ['serving', 'live', '1.0.0'],
        ['shadow', 'shadow', '1.1.0-rc'],
      ]);
      expect(objectKeyOf(body.masks[1].url)).toBe(seeded.keys.shadow);
      await expectServes(body.masks[1].url, body.masks[1].sha256);
    }
  });

  it('refuses reviewers (no run:read: they see images only through review cases) and hides the run from non-members', async () => {
    expect((await images('reviewer', seeded.run.id)).status).toBe(403);
    expect((await images('outsider', seeded.run.id)).status).toBe(404);
  });

  it('names every presigned key in the audit event', async () => {
    const requestId = `images-${Date.now()}`;
    await images('operator', seeded.run.id, requestId);
    // reads are recorded pending in their own transaction; the chainer links them into the chain
    await chainPendingAuditEvents(getDb());
    const [event] = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.requestId, requestId), eq(auditEvents.action, 'run.images')));
    expect(event.outcome).toBe('success');
    expect((event.details.presigned as { key: string }[]).map((p) => p.key)).toEqual([seeded.keys.volume, seeded.keys.serving, seeded.keys.shadow]);
  });

  it('answers 404 with a clear message while the run has no images', async () => {
    const bare = await newRun(getDb(), tp);
    const none = await images('researcher', bare.id);
    expect(none.status).toBe(404);
    expect(none.body.error?.message).toMatch(/has no images yet: the de-identified volume \(convert step\) is not written/);
    const converted = await seedRunWithImages(getDb(), tp, { steps: ['convert'] });
    const half = await images('researcher', converted.run.id);
    expect(half.status).toBe(404);
    expect(half.body.error?.message).toMatch(/the mask \(infer-serving step\) is not written/);
  });

  it('never signs a key outside derived/, whatever a step row says', async () => {
    const bad = await seedRunWithImages(getDb(), tp, { volumeKey: (k) => k.replace(/^derived\//, 'raw-phi/') });
    for (const role of ['researcher', 'operator'] as const) {
      const res = await images(role, bad.run.id);
      expect(res.status, role).toBe(403);
      expect(res.body.error?.message).toMatch(/may not get objects under raw-phi\//);
    }
  });
});
