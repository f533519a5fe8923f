/**
 * The reviewer's path against the real database and S3-protocol server: the queue, the guarded
 * case loader (review:read, not run:read) with presigned links to the volume and both masks, the
 * verdict action (one per reviewer, a second submission replaces it), and the refusals.
 */
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { submitVerdictAction } from '@/app/(app)/reviews/[comparison]/actions';
import { reviewVerdicts } from '@/db/schema';
import { loadActor } from '@/lib/auth/actor';
import { runGuarded } from '@/lib/auth/guard';
import { runWithRequestHeaders } from '@/lib/auth/request-context';
import type { Role } from '@/lib/auth/permissions';
import { getDb } from '@/lib/db';
import { isAppError } from '@/lib/errors';
import { seedRunWithImages, type SeededRun } from '@/lib/viewer/test/seed-run-images';
import { createTestProject, type TestProject } from '@/test/test-project';
import { listReviewQueue } from './list-review-queue';
import { loadReviewCase, REVIEW_CASE_GUARD } from './load-review-case';
import { reviewProjectIds } from './review-projects';

let tp: TestProject;
let seeded: SeededRun;

beforeAll(async () => {
  tp = await createTestProject(getDb());
  seeded = await seedRunWithImages(getDb(), tp, { objects: true });
});

const headersOf = (role: Role) => new Headers({ authorization: `Bearer ${tp.users[role].token}` });
const loadCase = (role: Role, comparison: string) => runGuarded(REVIEW_CASE_GUARD, headersOf(role), { comparison }, loadReviewCase);
const submit = (role: Role, body: unknown) => runWithRequestHeaders(headersOf(role), () => submitVerdictAction(body));
const keyOf = (url: string) => decodeURIComponent(new URL(url).pathname.split('/').slice(2).join('/'));

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (isAppError(err)) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'allowed';
}

describe('review cases', () => {
  it('lists the case in the reviewer queue with its pseudonymous study label and per-label Dice', async () => {
    const reviewer = (await loadActor(getDb(), tp.users.reviewer.id, 'token'))!;
    expect(reviewProjectIds(reviewer)).toEqual([tp.id]);
    const researcher = (await loadActor(getDb(), tp.users.researcher.id, 'token'))!;
    expect(reviewProjectIds(researcher)).toEqual([]);
    const queue = await listReviewQueue(getDb(), { projectIds: reviewProjectIds(reviewer), reviewerId: reviewer.userId });
    const item = queue.find((q) => q.id === seeded.comparison!.id)!;
    expect(item).toMatchObject({
      projectSlug: tp.slug,
      myVerdict: null,
      labels: [
        { name: 'White Matter', dice: 0.91 },
        { name: 'Grey Matter', dice: 0.87 },
      ],
    });
    expect(item.studyLabel).toMatch(/^S-\d+/);
    expect(item.meanDice).toBeCloseTo(0.89, 6);
    // newest first
    const later = await seedRunWithImages(getDb(), tp);
    const again = await listReviewQueue(getDb(), { projectIds: [tp.id], reviewerId: reviewer.userId });
    expect(again.findIndex((q) => q.id === later.comparison!.id)).toBeLessThan(again.findIndex((q) => q.id === seeded.comparison!.id));
  });

  it('loads a case for a reviewer (review:read) with links to the volume and both masks, all under derived/', async () => {
    const c = await loadCase('reviewer', seeded.comparison!.id);
    expect(c).toMatchObject({ runId: seeded.run.id, liveVersion: '1.0.0', shadowVersion: '1.1.0-rc', myVerdict: null });
    expect(c.metrics.map((m) => [m.name, m.dice])).toEqual([
      ['White Matter', 0.91],
      ['Grey Matter', 0.87],
    ]);
    expect(c.images.masks.map((m) => m.id)).toEqual(['serving', 'shadow']);
    expect([c.images.volume, ...c.images.masks].map((l) => keyOf(l.url))).toEqual([seeded.keys.volume, seeded.keys.serving, seeded.keys.shadow]);
    for (const link of [c.images.volume, ...c.images.masks]) {
      expect(keyOf(link.url).startsWith(`derived/${tp.id}/`)).toBe(true);
      expect(Number(new URL(link.url).searchParams.get('X-Amz-Expires'))).toBeLessThanOrEqual(300);
      const res = await fetch(link.url);
      expect(res.status).toBe(200);
      expect(
        createHash('sha256')
          .update(new Uint8Array(await res.arrayBuffer()))
          .digest('hex'),
      ).toBe(link.sha256);
    }
  });

  it('refuses the case to researchers (never shadow results) and never hands a reviewer a raw-phi/ key', async () => {
    expect(await refusal(loadCase('researcher', seeded.comparison!.id))).toMatch(/^forbidden: .*review:read/);
    expect(await refusal(loadCase('operator', seeded.comparison!.id))).toBe('allowed');
    const bad = await seedRunWithImages(getDb(), tp, { volumeKey: (k) => k.replace(/^derived\//, 'raw-phi/') });
    expect(await refusal(loadCase('reviewer', bad.comparison!.id))).toMatch(/^forbidden: your role may not get objects under raw-phi\//);
  });

  it('records one verdict per reviewer; a second submission updates it', async () => {
    const id = seeded.comparison!.id;
    const first = await submit('reviewer', { comparison: id, verdict: 'shadow_better', comment: 'cleaner cortex' });
    expect(first).toMatchObject({ ok: true, data: { verdict: 'shadow_better', comment: 'cleaner cortex', updated: false } });
    const second = await submit('reviewer', { comparison: id, verdict: 'equivalent' });
    expect(second).toMatchObject({ ok: true, data: { verdict: 'equivalent', comment: null, updated: true } });
    const rows = await getDb()
      .select()
      .from(reviewVerdicts)
      .where(and(eq(reviewVerdicts.comparisonId, id), eq(reviewVerdicts.reviewerId, tp.users.reviewer.id)));
    expect(rows).toHaveLength(1);
    expect(rows[0].verdict).toBe('equivalent');
    expect((await loadCase('reviewer', id)).myVerdict).toMatchObject({ verdict: 'equivalent', comment: null });
    const queue = await listReviewQueue(getDb(), { projectIds: [tp.id], reviewerId: tp.users.reviewer.id });
    expect(queue.find((q) => q.id === id)?.myVerdict).toBe('equivalent');
    // another reviewer's (admin's) verdict is their own row, and does not show as this reviewer's
    expect((await submit('admin', { comparison: id, verdict: 'live_better' })).ok).toBe(true);
    const mine = await listReviewQueue(getDb(), { projectIds: [tp.id], reviewerId: tp.users.reviewer.id });
    expect(mine.find((q) => q.id === id)?.myVerdict).toBe('equivalent');
  });

  it('refuses verdicts from roles without review:write, and bad input', async () => {
    const id = seeded.comparison!.id;
    for (const role of ['researcher', 'operator'] as const) {
      expect(await submit(role, { comparison: id, verdict: 'equivalent' }), role).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(await submit('reviewer', { comparison: id, verdict: 'great' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await submit('reviewer', { comparison: '00000000-0000-4000-8000-000000000000', verdict: 'equivalent' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});
