import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
