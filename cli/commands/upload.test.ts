import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { series, studies } from '@/db/schema';
import { getDb } from '@/lib/db';
import { CT_SERIES_DIR, T1_NIFTI } from '@/lib/uploads/test/fixtures';
import { serveUploadApi } from '@/lib/uploads/test/dispatch-api';
import { runCli } from '@/test/run-cli';
import { createTestProject, type TestProject } from '@/test/test-project';

let tp: TestProject;
let api: Awaited<ReturnType<typeof serveUploadApi>>;

beforeAll(async () => {
  tp = await createTestProject(getDb());
  api = await serveUploadApi();
});

afterAll(async () => {
  await api?.close();
});

describe('segflow upload (child process, real API over HTTP, s3rver)', () => {
  it('uploads a CT series folder and a NIfTI volume, rejects a junk file with a reason, prints the summary JSON last and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'segflow-cli-upload-'));
    const junk = join(dir, 'notes.txt');
    writeFileSync(junk, 'just some notes, not an image\n');

    const res = await runCli(['upload', CT_SERIES_DIR, T1_NIFTI, junk, '--project', tp.slug], {
      SEGFLOW_URL: api.url,
      SEGFLOW_TOKEN: tp.users.researcher.token,
      SEGFLOW_DATA_DIR: join(dir, 'data'),
    });

    const lines = res.stdout.trim().split('\n');
    const summary = JSON.parse(lines[lines.length - 1]) as {
      study: string;
      series: { modality: string; instances: number; rows: number; columns: number }[];
      volumes: { dims: number[] }[];
      rejected: { file: string; reason: string }[];
    };
    expect(summary.study).toMatch(/^[0-9a-f-]{36}$/);
    expect(summary.series).toHaveLength(1);
    expect(summary.series[0]).toMatchObject({ modality: 'CT', instances: 30, rows: 512, columns: 512 });
    expect(summary.volumes).toHaveLength(1);
    expect(summary.volumes[0].dims).toEqual([256, 256, 256]);
    const reasons = Object.fromEntries(summary.rejected.map((r) => [r.file, r.reason]));
    expect(reasons['notes.txt']).toMatch(/notes\.txt.*not a DICOM or NIfTI file/);
    // the series folder also holds its provenance note, which is refused the same way
    expect(reasons['README.upstream.md']).toMatch(/not a DICOM or NIfTI file/);
    expect(summary.rejected).toHaveLength(2);
    expect(res.stderr).toContain('rejected: ');
    expect(res.code).toBe(1);
  }, 180_000);

  it('10 concurrent uploads of one series into one project never interfere: 10 complete studies, no record left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'segflow-cli-upload-'));
    const ct = join(process.cwd(), 'fixtures/dicom/series/dcmqi-ct-3slice-liver-seg/ct');
    const env = { SEGFLOW_URL: api.url, SEGFLOW_TOKEN: tp.users.researcher.token, SEGFLOW_DATA_DIR: join(dir, 'data') };
    const results = await Promise.all(Array.from({ length: 10 }, () => runCli(['upload', ct, '--project', tp.slug], env)));
    for (const r of results) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const summaries = results.map((r) => JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { study: string; series: { instances: number }[] });
    expect(new Set(summaries.map((s) => s.study)).size).toBe(10);
    for (const s of summaries) expect(s.series.map((x) => x.instances)).toEqual([3]);
    const stored = await getDb()
      .select({ study: series.studyId, instances: series.instances })
      .from(series)
      .where(
        inArray(
          series.studyId,
          summaries.map((s) => s.study),
        ),
      );
    expect(stored.map((x) => x.instances)).toEqual(Array(10).fill(3));
    // every record and lock is gone once its upload finished
    expect(readdirSync(join(dir, 'data', 'uploads'))).toEqual([]);
  }, 300_000);

  it('a fully rejected upload leaves no study behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'segflow-cli-upload-'));
    const junk = join(dir, 'notes.txt');
    writeFileSync(junk, 'just some notes, not an image\n');
    const before = await getDb().select({ id: studies.id }).from(studies).where(eq(studies.projectId, tp.id));
    const res = await runCli(['upload', junk, '--project', tp.slug], {
      SEGFLOW_URL: api.url,
      SEGFLOW_TOKEN: tp.users.researcher.token,
      SEGFLOW_DATA_DIR: join(dir, 'data'),
    });
    expect(res.code).toBe(1);
    const summary = JSON.parse(res.stdout.trim().split('\n').at(-1)!) as { study: string | null; rejected: { file: string }[] };
    expect(summary.rejected.map((r) => r.file)).toEqual(['notes.txt']);
    expect(summary.study).toBeNull();
    const after = await getDb().select({ id: studies.id }).from(studies).where(eq(studies.projectId, tp.id));
    expect(after.length).toBe(before.length);
  }, 120_000);
});
