import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { series } from '@/db/schema';
import { getDb } from '@/lib/db';
import { seriesToVolume } from '@/lib/imaging/dicom/series-to-volume';
import { createTestProject, type TestProject } from '@/test/test-project';
import { UploadApi } from './client/upload-api';
import { UploadEngine } from './client/upload-engine';
import { fileSource } from './test/fixtures';
import { dispatchFetch } from './test/dispatch-api';

/**
 * The TCIA brain-tumor MR series: 5 mm thick slices 6.5 mm apart (SliceThickness 5,
 * SpacingBetweenSlices 6.5, ImagePositionPatient 6.5 mm apart along the normal; checked with dcmdump).
 * The study page's spacing is the series row's, and must be the distance between slices, as the
 * converted NIfTI (and the model's input check) has it — not the thickness.
 */
const DIR = join(process.cwd(), 'fixtures/dicom/series/tcia-brain-tumor-progression-mr');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.dcm'))
  .sort()
  .slice(0, 6)
  .map((f) => join(DIR, f));

let tp: TestProject;
beforeAll(async () => {
  tp = await createTestProject(getDb());
});

async function upload(paths: string[]) {
  const api = new UploadApi({ baseUrl: 'http://segflow.test', token: tp.users.researcher.token, fetch: dispatchFetch() });
  const engine = new UploadEngine({ api, project: tp.slug });
  engine.add(paths.map((p) => fileSource(p)));
  const result = await engine.run();
  expect(result.rejected).toEqual([]);
  return getDb().select().from(series).where(eq(series.studyId, result.study!));
}

describe('a DICOM series spacing, as indexed at upload', () => {
  it('is the distance between slice positions (6.5 mm), the NIfTI conversion’s, not the slice thickness (5 mm)', async () => {
    const [row] = await upload(files);
    expect(row.instances).toBe(files.length);
    const volume = await seriesToVolume(files.map((f) => ({ name: f, bytes: readFileSync(f) })));
    expect(volume.spacing[2]).toBeCloseTo(6.5, 2);
    expect(row.spacing).toHaveLength(3);
    expect(row.spacing![2]).toBeCloseTo(volume.spacing[2], 3);
    expect(row.spacing!.slice(0, 2).map((v) => v.toFixed(2))).toEqual(['0.69', '0.69']);
  });

  it('falls back to the header (SpacingBetweenSlices) while a series has one slice', async () => {
    const [row] = await upload(files.slice(0, 1));
    expect(row.spacing![2]).toBe(6.5);
  });
});
