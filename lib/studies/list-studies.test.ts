/**
 * The studies list against the real database: keyset pages that neither repeat nor skip a study
 * (ties on created_at included), each filter, the project scope, and the API's answer for a bad cursor.
 */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { GET } from '@/app/api/projects/[project]/studies/route';
import { series, studies } from '@/db/schema';
import { getDb } from '@/lib/db';
import { createTestProject, type TestProject } from '@/test/test-project';
import { listStudies } from './list-studies';
import type { TStudiesFilter } from './list-studies-query';

let tp: TestProject;
let ids: string[]; // newest first, as the list orders them
let idOf: Map<string, string>; // by label

beforeAll(async () => {
  const db = getDb();
  tp = await createTestProject(db);
  const other = await createTestProject(db);
  // 7 studies, in pairs sharing one created_at; S-0 oldest
  const rows = await db
    .insert(studies)
    .values(
      Array.from({ length: 7 }, (_, i) => ({
        projectId: tp.id,
        label: `S-${i}`,
        subjectPseudonym: i % 3 === 0 ? 'SUBJ-A' : 'SUBJ-B',
        createdAt: new Date(Date.UTC(2026, 10, 10 + Math.floor(i / 2), 12)),
      })),
    )
    .returning();
  await db
    .insert(series)
    .values(rows.map((s, i) => ({ projectId: tp.id, studyId: s.id, kind: 'dicom' as const, seriesInstanceUid: `1.2.${i}`, modality: i === 4 ? 'CT' : 'MR' })));
  await db.insert(studies).values({ projectId: other.id, label: 'S-other', subjectPseudonym: 'SUBJ-A', createdAt: new Date(Date.UTC(2026, 10, 12)) });
  const byLabel = new Map(rows.map((r) => [r.label, r]));
  idOf = new Map(rows.map((r) => [r.label, r.id]));
  ids = [...byLabel.values()].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (b.id < a.id ? -1 : 1)).map((r) => r.id);
});

async function walk(filter: Partial<TStudiesFilter>, limit: number): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const res = await GET(
      new Request(
        `http://segflow.test/api/projects/${tp.slug}/studies?${new URLSearchParams({ ...(filter as Record<string, string>), limit: String(limit), ...(cursor ? { cursor } : {}) })}`,
        {
          headers: { authorization: `Bearer ${tp.users.researcher.token}` },
        },
      ),
      { params: Promise.resolve({ project: tp.slug }) },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { studies: { id: string }[]; nextCursor: string | null };
    pages.push(body.studies.map((s) => s.id));
    cursor = body.nextCursor;
  } while (cursor);
  return pages;
}

describe('studies list', () => {
  it('pages through every study of the project once, newest first, across created_at ties', async () => {
    const pages = await walk({}, 2);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 2, 1]);
    expect(pages.flat()).toEqual(ids);
  });

  it('leaves out a study with nothing indexed (an upload cancelled or refused before any file went through)', async () => {
    const [empty] = await getDb()
      .insert(studies)
      .values({ projectId: tp.id, label: 'S-empty', createdAt: new Date(Date.UTC(2026, 10, 20)) })
      .returning();
    try {
      expect((await walk({}, 10)).flat()).toEqual(ids);
    } finally {
      await getDb().delete(studies).where(eq(studies.id, empty.id));
    }
  });

  it('filters by subject, modality (of any series) and created date, with the series counted per study', async () => {
    const a = await listStudies(getDb(), { projectId: tp.id, filter: { subject: 'SUBJ-A' } });
    expect(a.studies.map((s) => s.label).sort()).toEqual(['S-0', 'S-3', 'S-6']);
    const ct = await listStudies(getDb(), { projectId: tp.id, filter: { modality: 'CT' } });
    expect(ct.studies.map((s) => [s.label, s.seriesCount, s.modalities])).toEqual([['S-4', 1, ['CT']]]);
    const day = await listStudies(getDb(), { projectId: tp.id, filter: { from: new Date('2026-11-11T00:00:00Z'), to: new Date('2026-11-12T00:00:00Z') } });
    expect(day.studies.map((s) => s.label).sort()).toEqual(['S-2', 'S-3']);
    expect((await walk({ subject: 'SUBJ-B' }, 3)).flat()).toEqual(ids.filter((id) => !a.studies.some((s) => s.id === id)));
  });

  it('walks a modality in keyset pages (study_modalities), and follows series as they are added, restated and removed', async () => {
    const s4 = idOf.get('S-4')!;
    const s0 = idOf.get('S-0')!;
    // every study but S-4 has an MR series
    expect((await walk({ modality: 'MR' }, 2)).flat()).toEqual(ids.filter((id) => id !== s4));
    const db = getDb();
    // a second CT series in S-4, and a stated modality on a NIfTI volume of S-0 (the oldest), changed afterwards
    await db.insert(series).values({ projectId: tp.id, studyId: s4, kind: 'dicom', seriesInstanceUid: '1.2.99', modality: 'CT' });
    const [vol] = await db.insert(series).values({ projectId: tp.id, studyId: s0, kind: 'nifti', modality: 'CT' }).returning();
    expect((await walk({ modality: 'CT' }, 1)).flat()).toEqual([s4, s0]);
    await db.update(series).set({ modality: 'PT' }).where(eq(series.id, vol.id));
    expect((await walk({ modality: 'CT' }, 1)).flat()).toEqual([s4]);
    expect((await walk({ modality: 'PT', subject: 'SUBJ-A' }, 1)).flat()).toEqual([s0]);
    // S-4 keeps CT while one of its CT series is left
    await db.delete(series).where(and(eq(series.studyId, s4), eq(series.seriesInstanceUid, '1.2.99')));
    expect((await walk({ modality: 'CT' }, 1)).flat()).toEqual([s4]);
    await db.delete(series).where(eq(series.id, vol.id));
    expect((await walk({ modality: 'PT' }, 1)).flat()).toEqual([]);
  });

  it('answers 400 naming the field for a cursor it did not hand out or a bad modality, and refuses an operator', async () => {
    const get = (q: string, token = tp.users.researcher.token) =>
      GET(new Request(`http://segflow.test/api/projects/${tp.slug}/studies?${q}`, { headers: { authorization: `Bearer ${token}` } }), {
        params: Promise.resolve({ project: tp.slug }),
      });
    const bad = await get('cursor=nonsense');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toBe(
      'cursor: not a cursor this list handed out; start again from the first page',
    );
    const mod = await get('modality=M%20R');
    expect(((await mod.json()) as { error: { message: string } }).error.message).toBe('modality: expected a DICOM modality such as MR or CT');
    expect((await get('', tp.users.operator.token)).status).toBe(403);
  });
});
